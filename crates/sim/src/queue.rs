//! The event queue: a binary heap ordered by true time, ties broken by insertion order.
//!
//! The heap holds 16-byte keys (time, then sequence number and a slot) and the events
//! sit in a slab beside it, so sifting moves small values whatever the event's size.

use crate::time::Time;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Bits of a key's second word that name the slot; the sequence number is above them.
const SLOT_BITS: u32 = 24;
const SLOT_MASK: u64 = (1 << SLOT_BITS) - 1;

/// Pending events. Two events at the same instant pop in the order they were
/// scheduled, so a run never depends on the heap's internal layout.
#[derive(Clone, Debug)]
pub struct Queue<E> {
    heap: BinaryHeap<Reverse<(i64, u64)>>,
    slab: Vec<Option<E>>,
    free: Vec<u32>,
    seq: u64,
}

impl<E> Default for Queue<E> {
    fn default() -> Self {
        Queue {
            heap: BinaryHeap::with_capacity(1024),
            slab: Vec::with_capacity(1024),
            free: Vec::new(),
            seq: 0,
        }
    }
}

impl<E> Queue<E> {
    /// Schedules `event` at true time `at`.
    ///
    /// # Panics
    /// If more than 16 million events are pending at once (a broken model).
    pub fn push(&mut self, at: Time, event: E) {
        let slot = match self.free.pop() {
            Some(s) => {
                self.slab[s as usize] = Some(event);
                s
            }
            None => {
                self.slab.push(Some(event));
                (self.slab.len() - 1) as u32
            }
        };
        assert!((slot as u64) <= SLOT_MASK, "more than 16M pending events");
        self.seq += 1;
        self.heap
            .push(Reverse((at.0, self.seq << SLOT_BITS | slot as u64)));
    }

    /// The time of the next event.
    pub fn peek_time(&self) -> Option<Time> {
        self.heap.peek().map(|Reverse((at, _))| Time(*at))
    }

    /// Removes and returns the next event.
    pub fn pop(&mut self) -> Option<(Time, E)> {
        let Reverse((at, key)) = self.heap.pop()?;
        let slot = (key & SLOT_MASK) as u32;
        self.free.push(slot);
        let event = self.slab[slot as usize]
            .take()
            .expect("a queued slot holds its event");
        Some((Time(at), event))
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earliest_first_then_fifo() {
        let mut q = Queue::default();
        q.push(Time(5), 'a');
        q.push(Time(1), 'b');
        q.push(Time(5), 'c');
        q.push(Time(1), 'd');
        assert_eq!(q.pop(), Some((Time(1), 'b')));
        q.push(Time(-3), 'e');
        q.push(Time(5), 'f');
        let order: Vec<char> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec!['e', 'd', 'a', 'c', 'f']);
        assert!(q.is_empty());
    }
}
