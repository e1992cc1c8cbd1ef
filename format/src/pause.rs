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

/// Sorts `(key, index)` pairs given in increasing index order by key, then index: the order
/// `sort_unstable` gives them. A stable radix sort of the keys, a byte a pass (bytes every key
/// shares are skipped), pausing every [`EVERY`] items: sorting a million keys in one go would
/// hold the browser's thread for a tenth of a second.
pub async fn sort_keyed(mut items: Vec<(u64, u32)>, pause: &mut impl Pause) -> Vec<(u64, u32)> {
    debug_assert!(items.windows(2).all(|w| w[0].1 < w[1].1), "indices must increase");
    let (mut all, mut any) = (u64::MAX, 0u64);
    for (i, &(k, _)) in items.iter().enumerate() {
        at(pause, i).await;
        all &= k;
        any |= k;
    }
    let varying = all ^ any;
    let mut out = vec![(0u64, 0u32); items.len()];
    for shift in (0..64).step_by(8) {
        if (varying >> shift) & 0xff == 0 {
            continue;
        }
        let digit = |k: u64| ((k >> shift) & 0xff) as usize;
        let mut next = [0usize; 256];
        for (i, &(k, _)) in items.iter().enumerate() {
            at(pause, i).await;
            next[digit(k)] += 1;
        }
        let mut total = 0;
        for slot in &mut next {
            total += std::mem::replace(slot, total);
        }
        for (i, &item) in items.iter().enumerate() {
            at(pause, i).await;
            let d = digit(item.0);
            out[next[d]] = item;
            next[d] += 1;
        }
        std::mem::swap(&mut items, &mut out);
    }
    items
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
    fn keyed_sort_orders_as_sort_unstable_does() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for (n, mask) in
            [(0, u64::MAX), (1, u64::MAX), (20_000, u64::MAX), (20_000, 0xff_0000_00ff), (9000, 0x3), (50, 0)]
        {
            let items: Vec<(u64, u32)> = (0..n).map(|i| (next() & mask, i as u32)).collect();
            let mut want = items.clone();
            want.sort_unstable();
            let mut counting = Counting(0);
            assert_eq!(run(sort_keyed(items.clone(), &mut counting)), want, "{n} keys, mask {mask:x}");
            assert!(n < 3 * EVERY || counting.0 >= 3, "it paused");
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
