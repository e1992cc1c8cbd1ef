//! The viewer's jobs and the queue that runs them ([`crate::queue`]): no event is ever dropped.

use crate::state::Command;

/// Work for the runtime.
#[derive(Debug)]
pub enum Job {
    /// A command for the viewer's state.
    Command(Command),
    /// The window changed size: measure the page, size the canvas, tell the state.
    Resize,
    /// The WebGL context was lost.
    ContextLost,
    /// The WebGL context is back.
    ContextRestored,
    /// An animation frame to look whether the GPU finished the last frame (how long frames take
    /// decides how many a layout switch may use).
    GpuPoll,
}

impl From<Command> for Job {
    fn from(c: Command) -> Self {
        Job::Command(c)
    }
}

/// The sending end of the viewer's queue.
pub type Sender = crate::queue::Sender<Job>;
