//! Long builds that give the thread back now and then. The viewer indexes a million names on
//! the browser's main thread, where a task of more than a few tens of milliseconds freezes the
//! page: each such build is an `async fn` that awaits [`Pause::tick`] every [`EVERY`] items, and
//! the viewer's pause yields to the browser once its slice of time is spent. Native callers run
//! the same code to its end at once with [`NoPause`] through [`run`].

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// Items (names, words, bytes / 16) a build handles between two ticks: a tick costs a clock
/// read in the browser.
pub const EVERY: usize = 4096;

/// Where a long build may pause.
pub trait Pause {
    /// Called every [`EVERY`] items or so; the build awaits what it returns.
    fn tick(&mut self) -> impl Future<Output = ()>;
}

/// Never pauses.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoPause;

impl Pause for NoPause {
    fn tick(&mut self) -> impl Future<Output = ()> {
        std::future::ready(())
    }
}

/// Runs `build` to its end on this thread. Meant for builds paused by [`NoPause`], which
/// finish at the first poll; anything else is polled again until it does.
pub fn run<T>(build: impl Future<Output = T>) -> T {
    let mut build = pin!(build);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(value) = build.as_mut().poll(&mut cx) {
            return value;
        }
    }
}

/// Ticks every [`EVERY`]-th time it is called with a multiple of `EVERY` (`i % EVERY == 0`),
/// so loops read `pause::at(pause, i).await`.
pub async fn at(pause: &mut impl Pause, i: usize) {
    if i.is_multiple_of(EVERY) {
        pause.tick().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts its ticks and is pending once at each: a build must come out the same.
    struct Counting(usize);

    impl Pause for Counting {
        fn tick(&mut self) -> impl Future<Output = ()> {
            self.0 += 1;
            let mut pending = true;
            std::future::poll_fn(move |_| if std::mem::take(&mut pending) { Poll::Pending } else { Poll::Ready(()) })
        }
    }

    #[test]
    fn runs_builds_to_their_end_whether_they_pause_or_not() {
        async fn sum(n: usize, pause: &mut impl Pause) -> usize {
            let mut s = 0;
            for i in 0..n {
                at(pause, i).await;
                s += i;
            }
            s
        }
        assert_eq!(run(sum(10_000, &mut NoPause)), 49_995_000);
        let mut counting = Counting(0);
        assert_eq!(run(sum(10_000, &mut counting)), 49_995_000);
        assert_eq!(counting.0, 3, "ticks at 0, 4096 and 8192");
    }
}
