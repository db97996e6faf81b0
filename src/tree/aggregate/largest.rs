//! The largest files: a bounded min-heap of the top N, ties broken by the smaller
//! path, so the list is the same whatever order the threads met the files in.

use super::{Facts, SHARED};
use crate::model;
use crate::tree::classify::Category;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct LargeInfo {
    category: Category,
    account: String,
    allocated: u64,
    mtime: i64,
}

/// See the module docs.
#[derive(Debug)]
pub(super) struct Largest {
    /// How many to keep.
    top: usize,
    /// Min-heap of the largest files: (size, reversed path) so ties keep the smaller path.
    heap: BinaryHeap<Reverse<(u64, Reverse<String>, LargeInfo)>>,
}

impl Largest {
    pub(super) fn new(top: usize) -> Self {
        Largest {
            top,
            heap: BinaryHeap::new(),
        }
    }

    /// Keep the file if it is among the largest so far (allocates only then).
    #[inline]
    pub(super) fn offer(&mut self, c: &Facts<'_>) {
        let size = c.meta.size;
        let beats_smallest = match self.heap.peek() {
            // Ties keep the smaller path.
            Some(Reverse((min, Reverse(path), _))) => {
                size > *min || (size == *min && c.rel < path.as_str())
            }
            None => true,
        };
        if self.top > 0 && (self.heap.len() < self.top || beats_smallest) {
            let info = LargeInfo {
                category: c.category,
                account: c.account.unwrap_or(SHARED).to_string(),
                allocated: c.meta.allocated,
                mtime: c.meta.mtime,
            };
            self.heap
                .push(Reverse((size, Reverse(c.rel.to_string()), info)));
            if self.heap.len() > self.top {
                self.heap.pop();
            }
        }
    }

    /// The smallest size a file can have and still be among the largest files of the
    /// whole scan, as far as this heap knows: its smallest size once it is full (the
    /// final list holds files at least that large), 0 before, and never anything when
    /// no list is kept.
    pub(super) fn floor(&self) -> u64 {
        if self.top == 0 {
            return u64::MAX;
        }
        match self.heap.peek() {
            Some(Reverse((min, _, _))) if self.heap.len() >= self.top => *min,
            _ => 0,
        }
    }

    /// Take another worker's candidates.
    pub(super) fn merge(&mut self, other: Largest) {
        for item in other.heap {
            self.heap.push(item);
            if self.heap.len() > self.top {
                self.heap.pop();
            }
        }
    }

    /// Largest first, ties by path.
    pub(super) fn into_files(self) -> Vec<model::LargeFile> {
        let mut largest: Vec<_> = self.heap.into_vec();
        largest.sort();
        // Sorting the `Reverse` wrappers ascending puts the largest first, ties by path.
        largest
            .into_iter()
            .map(|Reverse((size, Reverse(path), info))| model::LargeFile {
                path,
                category: info.category.id().to_string(),
                account: info.account,
                apparent_bytes: size,
                allocated_bytes: info.allocated,
                modified: rfc3339(info.mtime),
            })
            .collect()
    }
}

/// RFC 3339 (UTC, seconds) for a Unix time.
fn rfc3339(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_else(|| secs.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    }
}
