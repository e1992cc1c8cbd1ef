//! How long stages report how far they are. The pipeline announces each stage; the stage itself
//! only sets its total and advances. A stage running several tasks at once (the layouts) gives
//! each its own [`Progress::task`]. Callers choose what to do with it: the command line draws
//! bars, tests and library callers pass [`NoProgress`]. Stages call these methods from worker
//! threads, hence `Sync`.

/// What a stage counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Bytes of an input file.
    Bytes,
    /// Items of the named kind ("entities", "iterations", "epochs").
    Items(&'static str),
    /// Nothing countable: only that the stage is running.
    Unmeasured,
}

/// Receives progress from the stages. Every method has a default that does nothing.
pub trait Progress: Sync {
    /// A stage begins. `total` is 0 when the stage learns it later ([`Progress::set_total`]).
    fn begin(&self, _stage: &str, _unit: Unit, _total: u64) {}

    /// The current stage's total, once known.
    fn set_total(&self, _total: u64) {}

    /// `done` more units of the current stage are done.
    fn advance(&self, _done: u64) {}

    /// A short status of the current stage ("distortion 0.45").
    fn message(&self, _text: &str) {}

    /// The current stage is over.
    fn end(&self) {}

    /// Progress of its own for one of several tasks the current stage runs at once (its
    /// layouts), called `name`, counting `unit`s. The task reports through the returned value
    /// ([`Progress::set_total`], [`Progress::advance`], [`Progress::message`]) and calls
    /// [`Progress::end`] on it when done. By default, nothing is shown.
    fn task(&self, _name: &str, _unit: Unit) -> Box<dyn Progress + '_> {
        Box::new(NoProgress)
    }
}

/// Reports nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}

/// Runs `work` as the stage `name` and ends the stage when `work` returns (with an error too).
pub fn stage<T>(progress: &dyn Progress, name: &str, unit: Unit, total: u64, work: impl FnOnce() -> T) -> T {
    progress.begin(name, unit, total);
    let out = work();
    progress.end();
    out
}
