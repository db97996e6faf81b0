//! Threads the system may refuse to start (a limit on processes or threads per user,
//! a full cgroup, a machine out of threads): starting one never panics. Work meant for
//! `n` threads runs on as many as the system gives, one of them the calling thread, so
//! it always runs, only with fewer hands.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::thread::{Builder, Scope, ScopedJoinHandle};

/// Start `f` on a new thread of scope `s`; `None` when the system refuses one.
pub fn try_spawn<'scope, T: Send + 'scope>(
    s: &'scope Scope<'scope, '_>,
    f: impl FnOnce() -> T + Send + 'scope,
) -> Option<ScopedJoinHandle<'scope, T>> {
    Builder::new().spawn_scoped(s, f).ok()
}

/// Run `work` `n` times at once (at least once): on up to `n - 1` new threads, as many
/// as the system gives, and on the calling thread, last. Each run's result, or its
/// panic (as [`std::thread::ScopedJoinHandle::join`] gives it).
pub fn run_on<T: Send>(n: usize, work: impl Fn() -> T + Sync) -> Vec<std::thread::Result<T>> {
    let work = &work;
    std::thread::scope(|s| {
        let spawned: Vec<_> = (1..n.max(1)).filter_map(|_| try_spawn(s, work)).collect();
        let mine = catch_unwind(AssertUnwindSafe(work));
        let mut out: Vec<_> = spawned.into_iter().map(|h| h.join()).collect();
        out.push(mine);
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn runs_n_times_and_at_least_once() {
        for (n, runs) in [(0, 1), (1, 1), (4, 4)] {
            let count = AtomicUsize::new(0);
            let out = run_on(n, || count.fetch_add(1, Ordering::Relaxed));
            assert_eq!(out.len(), runs);
            assert_eq!(count.load(Ordering::Relaxed), runs);
        }
    }

    #[test]
    fn a_panic_is_a_result() {
        let out = run_on(2, || -> u8 { panic!("boom") });
        assert!(out.iter().all(Result::is_err));
    }
}
