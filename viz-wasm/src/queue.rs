//! The event queue that never drops an event. Everything that happens on the page (listeners,
//! animation frames, timers, arriving files) is sent as a job; jobs run one at a time, in the
//! order sent. A job sent while another runs (a `focus()` inside a command fires a `focus`
//! event at once) waits in the queue and runs right after, from the same loop. Nothing runs
//! re-entrantly, so no job ever finds the state busy, and none is lost. Code outside a job that
//! reads the state does so inside [`Sender::hold`], so a job sent meanwhile waits as well.
//!
//! Plain Rust (no browser types), so its ordering is tested natively; `web` runs it.

use std::cell::{Cell, OnceCell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

/// Runs one job.
type Runner<J> = Box<dyn Fn(J)>;

struct Queue<J> {
    jobs: RefCell<VecDeque<J>>,
    running: Cell<bool>,
    run: OnceCell<Runner<J>>,
}

impl<J> Queue<J> {
    /// The next job; the queue is borrowed only for this, never while a job runs.
    fn pop(&self) -> Option<J> {
        self.jobs.borrow_mut().pop_front()
    }
}

/// The sending end of a queue; cheap to clone into every listener.
pub struct Sender<J> {
    queue: Rc<Queue<J>>,
}

impl<J> Clone for Sender<J> {
    fn clone(&self) -> Self {
        Self { queue: self.queue.clone() }
    }
}

impl<J> Default for Sender<J> {
    fn default() -> Self {
        Self::new()
    }
}

impl<J> Sender<J> {
    /// A queue whose jobs wait until [`Sender::start`] says how to run them.
    pub fn new() -> Self {
        let queue = Queue { jobs: RefCell::new(VecDeque::new()), running: Cell::new(false), run: OnceCell::new() };
        Self { queue: Rc::new(queue) }
    }

    /// Sets how jobs run (once; later calls are ignored) and runs those sent so far.
    pub fn start(&self, run: impl Fn(J) + 'static) {
        if self.queue.run.set(Box::new(run)).is_ok() {
            self.drain();
        }
    }

    /// Queues `job` and, unless a job is running further up the stack, runs the queue.
    pub fn send(&self, job: impl Into<J>) {
        self.queue.jobs.borrow_mut().push_back(job.into());
        self.drain();
    }

    /// Queues `job` ahead of everything queued: a follow-up that must see the state exactly as
    /// the running job leaves it.
    pub fn send_next(&self, job: impl Into<J>) {
        self.queue.jobs.borrow_mut().push_front(job.into());
        self.drain();
    }

    /// Runs `f` as a job would run: jobs sent meanwhile (by an event that `f` fires at once)
    /// wait until it returns, then run. For reading the state outside a job (the loader between
    /// files, a listener that must act inside the user's gesture) without a job finding it
    /// borrowed.
    pub fn hold<R>(&self, f: impl FnOnce() -> R) -> R {
        let q = &self.queue;
        let outer = q.running.replace(true);
        let r = f();
        if !outer {
            q.running.set(false);
            self.drain();
        }
        r
    }

    /// Runs queued jobs until none is left; returns at once while a job runs (that job's loop
    /// picks up what was queued).
    fn drain(&self) {
        let q = &self.queue;
        let Some(run) = q.run.get() else { return };
        if q.running.replace(true) {
            return;
        }
        while let Some(job) = q.pop() {
            run(job);
        }
        q.running.set(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A queue whose runner records each job and, for job `n` listed in `fire`, sends the jobs
    /// it fires from inside the run (as `focus()` fires `focus`).
    fn recording(fire: Vec<(u32, Vec<u32>)>) -> (Sender<u32>, Rc<RefCell<Vec<u32>>>) {
        let tx = Sender::new();
        let log = Rc::new(RefCell::new(Vec::new()));
        let (t, l) = (tx.clone(), log.clone());
        tx.start(move |job: u32| {
            l.borrow_mut().push(job);
            for (_, fired) in fire.iter().filter(|(n, _)| *n == job) {
                for &f in fired {
                    t.send(f);
                }
            }
        });
        (tx, log)
    }

    #[test]
    fn jobs_sent_while_one_runs_run_after_it_in_order() {
        let (tx, log) = recording(vec![(1, vec![10, 11]), (10, vec![100])]);
        tx.send(1u32);
        tx.send(2u32);
        assert_eq!(*log.borrow(), vec![1, 10, 11, 100, 2]);
    }

    #[test]
    fn jobs_sent_before_start_wait_for_it() {
        let tx: Sender<u32> = Sender::new();
        tx.send(5u32);
        tx.send(6u32);
        let log = Rc::new(RefCell::new(Vec::new()));
        let l = log.clone();
        tx.start(move |j| l.borrow_mut().push(j));
        assert_eq!(*log.borrow(), vec![5, 6]);
        tx.start(|_| panic!("a second runner is ignored"));
        tx.send(7u32);
        assert_eq!(*log.borrow(), vec![5, 6, 7]);
    }

    #[test]
    fn follow_ups_run_before_what_was_queued() {
        let tx: Sender<u32> = Sender::new();
        let log = Rc::new(RefCell::new(Vec::new()));
        let (t, l) = (tx.clone(), log.clone());
        tx.start(move |j| {
            l.borrow_mut().push(j);
            if j == 1 {
                t.send(3u32);
                t.send_next(2u32);
            }
        });
        tx.send(1u32);
        assert_eq!(*log.borrow(), vec![1, 2, 3]);
    }

    #[test]
    fn a_job_never_finds_the_state_borrowed() {
        // The old viewer skipped any event that fired while its state was borrowed; here the
        // runner holds the state mutably for the whole job, and the event sent inside waits.
        let tx: Sender<&'static str> = Sender::new();
        let state = Rc::new(RefCell::new(Vec::new()));
        let (t, s) = (tx.clone(), state.clone());
        tx.start(move |job| {
            let mut st = s.try_borrow_mut().expect("no job runs inside another");
            st.push(job);
            if job == "press /" {
                t.send("focus");
            }
        });
        tx.send("press /");
        assert_eq!(*state.borrow(), vec!["press /", "focus"]);
    }

    #[test]
    fn a_job_sent_while_the_state_is_held_outside_a_job_waits_for_it() {
        let tx: Sender<&'static str> = Sender::new();
        let state = Rc::new(RefCell::new(Vec::new()));
        let s = state.clone();
        tx.start(move |job| s.try_borrow_mut().expect("the holder let go first").push(job));
        let seen = tx.hold(|| {
            let held = state.borrow();
            tx.send("fired while held");
            held.len()
        });
        assert_eq!(seen, 0);
        assert_eq!(*state.borrow(), vec!["fired while held"]);
        // Inside a job, holding changes nothing: what it sends runs after that job.
        let log = Rc::new(RefCell::new(Vec::new()));
        let inner: Sender<u32> = Sender::new();
        let (it, l) = (inner.clone(), log.clone());
        inner.start(move |j| {
            l.borrow_mut().push(j);
            if j == 1 {
                it.hold(|| it.send(2u32));
                l.borrow_mut().push(100);
            }
        });
        inner.send(1u32);
        assert_eq!(*log.borrow(), vec![1, 100, 2]);
    }
}
