//! The event queue: a monotone radix heap keyed by time, FIFO among equal times.
//!
//! **Order guarantee:** events pop in (time, insertion sequence) order. The queue numbers
//! every push (the sequence it returns), so two events for the same instant run in the
//! order they were pushed. Pushing an event earlier than the last popped time is a broken
//! invariant and panics.
//!
//! Why a radix heap: a discrete-event simulator only ever pushes keys >= the last popped
//! key, which is exactly the monotone-priority-queue case a radix heap serves. Each bucket
//! `i > 0` holds keys whose highest bit differing from `last` is bit `i - 1`; bucket 0 (a
//! `VecDeque`) holds keys equal to `last`. Popping empties the lowest non-empty bucket into lower ones, so an
//! entry moves at most 64 times in its life and most operations touch memory sequentially.
//! The hold benchmark (docs/performance.md) measured it against a binary heap.
//!
//! A small lowest bucket is sorted by (time, seq) into a run that pops from its front. A
//! push that falls inside the run's range goes to its back when it is not earlier than the
//! run's last entry (the common case: equal times, or later ones), and otherwise into a
//! small binary heap beside the run; a pop takes the smaller of the two heads. (Inserting
//! in the middle of the run cost a memmove per push that grew with the run: quadratic when
//! a thousand flows are in flight at once, as the cluster benchmark showed.) Every key in
//! the run and the heap is below every key in the buckets, so they are the queue's head.
//! `tests::matches_a_reference_binary_heap` checks the order against `(time, seq)`.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use super::time::SimTime;

const BUCKETS: usize = 65;

pub struct RadixQueue<T> {
    /// The sorted run being consumed: every key here is <= `run_max` and below every key in
    /// `buckets`; equal keys are in push order.
    run: VecDeque<Entry<T>>,
    /// Entries pushed inside the run's range but earlier than its back, as a min-heap on
    /// (key, seq).
    late: BinaryHeap<Late<T>>,
    run_max: u64,
    /// `buckets[i]` for i in 1..65 (index 0 unused), relative to `base`.
    buckets: Vec<Vec<Entry<T>>>,
    /// Bit i set when `buckets[i]` is non-empty.
    nonempty: u128,
    /// The key the buckets are relative to: the smallest key at the last refill.
    base: u64,
    /// The key of the last popped entry (the clock).
    last: u64,
    len: usize,
    seq: u64,
}

struct Entry<T> {
    key: u64,
    seq: u64,
    item: T,
}

/// An entry ordered for a min-heap on (key, seq).
struct Late<T>(Entry<T>);

impl<T> PartialEq for Late<T> {
    fn eq(&self, other: &Self) -> bool {
        (self.0.key, self.0.seq) == (other.0.key, other.0.seq)
    }
}

impl<T> Eq for Late<T> {}

impl<T> PartialOrd for Late<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> Ord for Late<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        (other.0.key, other.0.seq).cmp(&(self.0.key, self.0.seq))
    }
}

/// A bucket this small is sorted into the run instead of redistributed (chosen with the
/// hold benchmark: it removes the last few moves of every entry at small queue sizes).
const SORT_MAX: usize = 64;

impl<T> Default for RadixQueue<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> RadixQueue<T> {
    pub fn new() -> Self {
        RadixQueue {
            run: VecDeque::new(),
            late: BinaryHeap::new(),
            run_max: 0,
            buckets: (0..BUCKETS).map(|_| Vec::new()).collect(),
            nonempty: 0,
            base: 0,
            last: 0,
            len: 0,
            seq: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline]
    fn bucket_of(base: u64, key: u64) -> usize {
        (64 - (key ^ base).leading_zeros()) as usize
    }

    /// Queues `item` at `at`; returns its sequence number (unique, increasing).
    #[inline]
    pub fn push(&mut self, at: SimTime, item: T) -> u64 {
        let key = at.0;
        assert!(
            key >= self.last,
            "event queue: scheduled at {key}ns, before the current time {}ns",
            self.last
        );
        let seq = self.seq;
        self.seq += 1;
        self.len += 1;
        let entry = Entry { key, seq, item };
        if (!self.run.is_empty() || !self.late.is_empty()) && key <= self.run_max {
            // Its seq is the largest: at the run's back if no key there is greater.
            if self.run.back().is_none_or(|b| b.key <= key) {
                self.run.push_back(entry);
            } else {
                self.late.push(Late(entry));
            }
            return seq;
        }
        match Self::bucket_of(self.base, key) {
            0 => {
                // Equal to `base` with an empty run: it is the next entry out.
                self.run.push_back(entry);
                self.run_max = key;
            }
            b => {
                self.buckets[b].push(entry);
                self.nonempty |= 1 << b;
            }
        }
        seq
    }

    /// Every queued entry, in no particular order: its time, its sequence number, the item.
    /// For checks at the end of a run; the cost is the queue's length.
    pub fn iter(&self) -> impl Iterator<Item = (SimTime, u64, &T)> {
        self.run
            .iter()
            .chain(self.late.iter().map(|l| &l.0))
            .chain(self.buckets.iter().flatten())
            .map(|e| (SimTime(e.key), e.seq, &e.item))
    }

    /// The earliest time in the queue, without removing anything.
    pub fn peek_time(&mut self) -> Option<SimTime> {
        if self.len == 0 {
            return None;
        }
        self.refill();
        let run = self.run.front().map(|e| e.key);
        let late = self.late.peek().map(|l| l.0.key);
        run.into_iter().chain(late).min().map(SimTime)
    }

    /// The earliest entry: its time, its sequence number, the item.
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, u64, T)> {
        if self.len == 0 {
            return None;
        }
        self.refill();
        self.len -= 1;
        let late_first = match (self.run.front(), self.late.peek()) {
            (Some(r), Some(l)) => (l.0.key, l.0.seq) < (r.key, r.seq),
            (None, _) => true,
            (Some(_), None) => false,
        };
        let e = if late_first {
            self.late
                .pop()
                .expect("refill leaves an entry at the head")
                .0
        } else {
            self.run
                .pop_front()
                .expect("refill leaves an entry at the head")
        };
        self.last = e.key;
        Some((SimTime(e.key), e.seq, e.item))
    }

    /// Makes the run non-empty from the lowest non-empty bucket: sorted into the run if
    /// small, else redistributed into lower buckets until a small one is found.
    #[inline]
    fn refill(&mut self) {
        while self.run.is_empty() && self.late.is_empty() {
            let i = self.nonempty.trailing_zeros() as usize;
            debug_assert!(i > 0 && i < BUCKETS, "refill of an empty queue");
            let mut moving = std::mem::take(&mut self.buckets[i]);
            self.nonempty &= !(1 << i);
            let base = moving
                .iter()
                .map(|e| e.key)
                .min()
                .expect("non-empty bucket");
            self.base = base;
            if moving.len() <= SORT_MAX {
                moving.sort_unstable_by_key(|e| (e.key, e.seq));
                self.run_max = moving.last().expect("non-empty").key;
                self.run.extend(moving.drain(..));
            } else {
                // Entries of one key keep their relative (push) order: a bucket is appended
                // to in seq order and walked front to back.
                for e in moving.drain(..) {
                    match Self::bucket_of(base, e.key) {
                        0 => {
                            self.run_max = e.key;
                            self.run.push_back(e);
                        }
                        b => {
                            debug_assert!(b < i);
                            self.buckets[b].push(e);
                            self.nonempty |= 1 << b;
                        }
                    }
                }
            }
            // Give the drained allocation back so the bucket does not reallocate next time.
            self.buckets[i] = moving;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    #[test]
    fn pops_in_time_then_insertion_order() {
        let mut q = RadixQueue::new();
        q.push(SimTime(5), "b1");
        q.push(SimTime(3), "a");
        q.push(SimTime(5), "b2");
        q.push(SimTime(9), "c");
        q.push(SimTime(5), "b3");
        let order: Vec<_> = std::iter::from_fn(|| q.pop().map(|(_, _, x)| x)).collect();
        assert_eq!(order, ["a", "b1", "b2", "b3", "c"]);
    }

    /// Random interleavings of pushes and pops, including many equal keys and pushes at the
    /// current time, must pop exactly as a binary heap ordered by (time, seq) would.
    #[test]
    fn matches_a_reference_binary_heap() {
        for seed in 0..20u64 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut q = RadixQueue::new();
            let mut reference = BinaryHeap::new();
            let mut seq = 0u64;
            let mut now = 0u64;
            for _ in 0..20_000 {
                if rng.random_bool(0.55) || reference.is_empty() {
                    // Small spans make equal keys common; occasional large jumps cross buckets.
                    let delay = match rng.random_range(0..10) {
                        0 => 0,
                        1..=6 => rng.random_range(0..8),
                        7 | 8 => rng.random_range(0..1_000),
                        _ => rng.random_range(0..1u64 << 40),
                    };
                    let got = q.push(SimTime(now + delay), seq);
                    assert_eq!(got, seq);
                    reference.push(Reverse((now + delay, seq)));
                    seq += 1;
                } else {
                    let (t, qs, s) = q.pop().unwrap();
                    assert_eq!(qs, s);
                    let Reverse((rt, rs)) = reference.pop().unwrap();
                    assert_eq!((t.0, s), (rt, rs), "seed {seed}");
                    now = t.0;
                }
                assert_eq!(q.len(), reference.len());
            }
            while let Some(Reverse((rt, rs))) = reference.pop() {
                assert_eq!(q.pop().map(|(t, _, s)| (t.0, s)), Some((rt, rs)));
            }
            assert!(q.pop().is_none());
        }
    }

    #[test]
    #[allow(clippy::redundant_clone)]
    fn drops_live_items_once() {
        use std::rc::Rc;
        let token = Rc::new(());
        {
            let mut q = RadixQueue::new();
            for t in 0..10 {
                q.push(SimTime(t % 3), token.clone());
            }
            q.pop();
            q.pop();
            assert_eq!(Rc::strong_count(&token), 9);
        }
        assert_eq!(Rc::strong_count(&token), 1);
    }

    #[test]
    fn scheduling_into_the_past_is_a_broken_invariant() {
        let result = std::panic::catch_unwind(|| {
            let mut q = RadixQueue::new();
            q.push(SimTime(10), ());
            q.pop();
            q.push(SimTime(9), ());
        });
        assert!(result.is_err());
    }
}
