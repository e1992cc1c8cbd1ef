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
}

impl From<Command> for Job {
    fn from(c: Command) -> Self {
        Job::Command(c)
    }
}

/// The sending end of the viewer's queue.
pub type Sender = crate::queue::Sender<Job>;
