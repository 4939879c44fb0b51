//! The poll moments still to come, earliest first, each once.
//!
//! Every change of every tracking adds one (a million trackings add several million in three
//! simulated days), so adding must be cheap: a poll goes into an unsorted bucket of
//! [`BUCKET_SECONDS`] simulated seconds, and only the earliest bucket is sorted, when it
//! becomes the next one to run. A B-tree set or a binary heap of all polls costs a cache-missing
//! descent per add or per take at that size; here the buckets' index stays small (one entry per
//! bucket of the hours ahead) and a bucket is sorted while it is hot.
//!
//! A poll may carry a payload (the event rendered ahead of time); when one poll is added
//! several times, it is taken once, with the payload added last. The queue keeps the total
//! weight of the payloads it holds, so that the caller can bound the memory they take.

use std::collections::BTreeMap;

/// `(poll moment, account, tracking id)`: a poll that will see a change.
pub(crate) type Poll = (i64, u32, u128);

/// Width of a bucket, simulated seconds.
const BUCKET_SECONDS: i64 = 64;

/// A queued poll and its payload.
type Entry<T> = (Poll, Option<T>);

/// Polls to come, earliest first; a poll added twice is taken once (with the last payload).
#[derive(Debug)]
pub(crate) struct PollQueue<T> {
    /// Buckets after `ready`'s, by bucket number (time / [`BUCKET_SECONDS`]); unsorted, in
    /// the order added.
    later: BTreeMap<i64, Vec<Entry<T>>>,
    /// The earliest bucket (its number), sorted latest first (taken from the end), no repeats.
    ready: Option<(i64, Vec<Entry<T>>)>,
    /// The weight of a payload (e.g. its size in bytes).
    weight: fn(&T) -> usize,
    /// The total weight of the payloads held.
    held: usize,
}

fn bucket_of(p: &Poll) -> i64 {
    p.0.div_euclid(BUCKET_SECONDS)
}

impl<T> PollQueue<T> {
    /// An empty queue whose payloads weigh `weight` each.
    pub(crate) fn new(weight: fn(&T) -> usize) -> Self {
        Self {
            later: BTreeMap::new(),
            ready: None,
            weight,
            held: 0,
        }
    }

    /// The total weight of the payloads held.
    pub(crate) fn held(&self) -> usize {
        self.held
    }

    fn weigh(&self, payload: Option<&T>) -> usize {
        payload.map_or(0, self.weight)
    }

    /// Adds a poll; a repeat of one already queued keeps one entry, with this payload if it
    /// has one.
    pub(crate) fn push(&mut self, p: Poll, payload: Option<T>) {
        self.held += self.weigh(payload.as_ref());
        let b = bucket_of(&p);
        let weight = self.weight;
        match &mut self.ready {
            Some((rb, polls)) if *rb == b => {
                // Latest first: the first index whose poll is not later than `p`.
                let i = polls.partition_point(|q| q.0 > p);
                match polls.get_mut(i) {
                    Some(same) if same.0 == p => {
                        if payload.is_some() {
                            let old = std::mem::replace(&mut same.1, payload);
                            self.held = self.held.saturating_sub(old.as_ref().map_or(0, weight));
                        }
                    }
                    _ => polls.insert(i, (p, payload)),
                }
                return;
            }
            Some((rb, _)) if b < *rb => {
                // Earlier than the sorted bucket: it goes back to the others, unsorted.
                if let Some((rb, polls)) = self.ready.take().filter(|(_, v)| !v.is_empty()) {
                    self.later.entry(rb).or_default().extend(polls);
                }
            }
            _ => {}
        }
        self.later.entry(b).or_default().push((p, payload));
    }

    /// Makes `ready` the earliest bucket, if there is any poll.
    fn load(&mut self) {
        while self.ready.as_ref().is_none_or(|(_, v)| v.is_empty()) {
            let Some((b, mut polls)) = self.later.pop_first() else {
                self.ready = None;
                return;
            };
            // Stable: repeats of a poll stay in the order added, so the last payload wins.
            polls.sort_by_key(|e| std::cmp::Reverse(e.0));
            let (weight, mut dropped) = (self.weight, 0);
            polls.dedup_by(|later, kept| {
                if later.0 != kept.0 {
                    return false;
                }
                let loser = if later.1.is_some() {
                    std::mem::replace(&mut kept.1, later.1.take())
                } else {
                    None
                };
                dropped += loser.as_ref().map_or(0, weight);
                true
            });
            self.held = self.held.saturating_sub(dropped);
            self.ready = Some((b, polls));
        }
    }

    /// The earliest poll.
    pub(crate) fn peek(&mut self) -> Option<Poll> {
        self.load();
        self.ready.as_ref().and_then(|(_, v)| v.last().map(|e| e.0))
    }

    /// Takes the earliest poll and its payload.
    pub(crate) fn pop(&mut self) -> Option<Entry<T>> {
        self.load();
        let entry = self.ready.as_mut().and_then(|(_, v)| v.pop())?;
        self.held = self.held.saturating_sub(self.weigh(entry.1.as_ref()));
        Some(entry)
    }

    /// Forgets every poll.
    pub(crate) fn clear(&mut self) {
        self.later.clear();
        self.ready = None;
        self.held = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(q: &mut PollQueue<u32>) -> Vec<Poll> {
        std::iter::from_fn(|| q.pop().map(|e| e.0)).collect()
    }

    #[test]
    fn earliest_first_each_once() {
        let mut q = PollQueue::<u32>::new(|_| 1);
        let mut want = Vec::new();
        let mut rng = fastrand::Rng::with_seed(5);
        for _ in 0..5_000 {
            let p = (
                rng.i64(-1_000..20_000),
                rng.u32(..3),
                u128::from(rng.u8(..4)),
            );
            q.push(p, None);
            want.push(p);
        }
        want.sort_unstable();
        want.dedup();
        assert_eq!(drain(&mut q), want);
        assert_eq!(q.peek(), None);
    }

    #[test]
    fn adds_while_taking_keep_the_order() {
        // Polls are added while earlier ones are being taken: into the sorted bucket, before
        // it, and after it; repeats of a queued poll are taken once.
        let mut q = PollQueue::<u32>::new(|_| 1);
        q.push((1_000, 0, 1), None);
        q.push((5_000, 0, 2), None);
        assert_eq!(q.peek(), Some((1_000, 0, 1)));
        q.push((1_010, 0, 3), None); // same bucket as the sorted one
        q.push((1_010, 0, 3), None); // a repeat
        q.push((900, 0, 4), None); // an earlier bucket
        q.push((1_000, 0, 1), None); // a repeat of the head
        assert_eq!(q.pop(), Some(((900, 0, 4), None)));
        assert_eq!(q.pop(), Some(((1_000, 0, 1), None)));
        q.push((4_000, 0, 5), None);
        assert_eq!(
            drain(&mut q),
            vec![(1_010, 0, 3), (4_000, 0, 5), (5_000, 0, 2)]
        );
        // An earlier bucket arriving while the sorted one is empty.
        q.push((9_000, 0, 6), None);
        assert_eq!(q.pop(), Some(((9_000, 0, 6), None)));
        q.push((8_000, 0, 7), None);
        q.push((20_000, 0, 8), None);
        assert_eq!(drain(&mut q), vec![(8_000, 0, 7), (20_000, 0, 8)]);
        q.push((7, 1, 1), None);
        q.clear();
        assert_eq!(q.pop(), None);
    }

    #[test]
    fn a_repeat_keeps_the_last_payload() {
        let mut q = PollQueue::new(|w: &u32| *w as usize);
        // In an unsorted bucket: the last payload added wins, and no payload loses nothing.
        q.push((100, 0, 1), Some(1));
        q.push((100, 0, 1), Some(2));
        q.push((100, 0, 1), None);
        q.push((130, 0, 2), None);
        assert_eq!(q.held(), 3);
        assert_eq!(q.pop(), Some(((100, 0, 1), Some(2))));
        assert_eq!(q.held(), 0);
        // In the sorted bucket (loaded by `peek`).
        assert_eq!(q.peek(), Some((130, 0, 2)));
        q.push((130, 0, 2), Some(4));
        q.push((130, 0, 2), Some(3));
        q.push((130, 0, 2), None);
        assert_eq!(q.held(), 3);
        assert_eq!(q.pop(), Some(((130, 0, 2), Some(3))));
        assert_eq!(q.pop(), None);
        assert_eq!(q.held(), 0);
        q.push((500, 0, 3), Some(7));
        q.clear();
        assert_eq!(q.held(), 0);
    }
}
