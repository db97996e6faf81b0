//! Counters for a progress line over the reading passes. The engine only bumps atomics;
//! the caller polls [`Progress::snapshot`] (ten times a second, say) and draws the line.

use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};

/// Which pass is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Sorting the candidates by size and inode (no reads).
    Grouping,
    /// Reading the 4 KiB head and tail (or all of a file up to 8 KiB).
    Sampling,
    /// Hashing whole files that still look alike.
    Hashing,
    /// Finished.
    Done,
}

/// Shared counters; `Progress::default()` starts at [`Phase::Grouping`].
#[derive(Debug, Default)]
pub struct Progress {
    phase: AtomicU8,
    files_done: AtomicU64,
    files_total: AtomicU64,
    bytes_done: AtomicU64,
    bytes_total: AtomicU64,
}

/// One reading of the counters. Files and bytes are those of the current phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snapshot {
    pub phase: Phase,
    pub files_done: u64,
    pub files_total: u64,
    pub bytes_done: u64,
    pub bytes_total: u64,
}

impl Snapshot {
    /// The progress line's text, e.g. `hashing 1.2 GiB of 3.4 GiB · 1,234 of 5,678 files`.
    pub fn line(&self) -> String {
        use crate::render::human::{bytes, count};
        let what = match self.phase {
            Phase::Grouping => {
                return format!("grouping {} files by size", count(self.files_total))
            }
            Phase::Sampling => "sampling",
            Phase::Hashing => "hashing",
            Phase::Done => return "done".to_string(),
        };
        format!(
            "{what} {} of {} · {} of {} files",
            bytes(self.bytes_done),
            bytes(self.bytes_total),
            count(self.files_done),
            count(self.files_total)
        )
    }
}

impl Progress {
    /// Read the counters (each one atomically; together, approximately).
    pub fn snapshot(&self) -> Snapshot {
        let phase = match self.phase.load(Ordering::Relaxed) {
            0 => Phase::Grouping,
            1 => Phase::Sampling,
            2 => Phase::Hashing,
            _ => Phase::Done,
        };
        Snapshot {
            phase,
            files_done: self.files_done.load(Ordering::Relaxed),
            files_total: self.files_total.load(Ordering::Relaxed),
            bytes_done: self.bytes_done.load(Ordering::Relaxed),
            bytes_total: self.bytes_total.load(Ordering::Relaxed),
        }
    }

    pub(crate) fn start(&self, phase: Phase, files: u64, bytes: u64) {
        self.files_done.store(0, Ordering::Relaxed);
        self.bytes_done.store(0, Ordering::Relaxed);
        self.files_total.store(files, Ordering::Relaxed);
        self.bytes_total.store(bytes, Ordering::Relaxed);
        self.phase.store(phase as u8, Ordering::Relaxed);
    }

    pub(crate) fn add_file(&self) {
        self.files_done.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn add_bytes(&self, n: u64) {
        self.bytes_done.fetch_add(n, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_reset_the_counters() {
        let p = Progress::default();
        assert_eq!(p.snapshot().phase, Phase::Grouping);
        p.start(Phase::Sampling, 2, 100);
        p.add_file();
        p.add_bytes(40);
        let s = p.snapshot();
        assert_eq!(
            (s.phase, s.files_done, s.bytes_done, s.bytes_total),
            (Phase::Sampling, 1, 40, 100)
        );
        assert_eq!(s.line(), "sampling 40 B of 100 B · 1 of 2 files");
        p.start(Phase::Hashing, 1, 10);
        assert_eq!(p.snapshot().bytes_done, 0);
        p.start(Phase::Done, 0, 0);
        assert_eq!(p.snapshot().phase, Phase::Done);
    }
}
