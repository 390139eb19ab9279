//! The event queue: a heap ordered by true time, ties broken by insertion order.
//!
//! The heaps hold 16-byte keys (time, then sequence number, a flag and a slot) packed
//! into one `u128`, so ordering two keys is one wide comparison, and the events sit in a
//! slab beside them, so sifting moves small values whatever the event's size. The flag
//! is one bit the caller keeps with an event without making every event bigger (the
//! kernel's "background activity").
//!
//! Two heaps: events due within [`HORIZON`] of the last one popped (messages in flight,
//! the next sample) go in a small *near* heap; later ones (think times, payments, hold
//! expiries, timers minutes away) in a *far* heap. A new event is nearly always due
//! soon, so in one heap it would climb past every far one; here it climbs a small heap.
//! The next event is the smaller of the two tops, so the order is exactly that of one
//! heap.

use crate::time::Time;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Events due within this much true time of the last one popped go in the near heap.
pub const HORIZON: i64 = crate::time::SEC;

/// Bits of a key's low word that name the slot; the flag is the bit above them, and the
/// sequence number is above the flag.
const SLOT_BITS: u32 = 24;
const SLOT_MASK: u64 = (1 << SLOT_BITS) - 1;
const FLAG: u64 = 1 << SLOT_BITS;

/// Pending events. Two events at the same instant pop in the order they were
/// scheduled, so a run never depends on the heap's internal layout.
#[derive(Clone, Debug)]
pub struct Queue<E> {
    near: BinaryHeap<Reverse<u128>>,
    far: BinaryHeap<Reverse<u128>>,
    /// The instant of the last event popped: "near" is measured from it.
    last: i64,
    slab: Vec<Option<E>>,
    /// Each slot's note (see [`Queue::push_noted`]).
    notes: Vec<i64>,
    free: Vec<u32>,
    seq: u64,
}

impl<E> Default for Queue<E> {
    fn default() -> Self {
        Queue {
            near: BinaryHeap::with_capacity(256),
            far: BinaryHeap::with_capacity(1024),
            last: i64::MIN,
            slab: Vec::with_capacity(1024),
            notes: Vec::with_capacity(1024),
            free: Vec::new(),
            seq: 0,
        }
    }
}

/// Packs `(at, seq, flag, slot)` so that keys compare as `(at, seq)` do: the time's
/// sign bit is flipped so negative instants sort before positive ones as unsigned
/// numbers.
fn key(at: Time, seq: u64, flag: bool, slot: u32) -> u128 {
    let time = (at.0 as u64 ^ 1 << 63) as u128;
    time << 64 | (seq << (SLOT_BITS + 1) | (flag as u64) << SLOT_BITS | slot as u64) as u128
}

fn key_flag(k: u128) -> bool {
    k as u64 & FLAG != 0
}

fn key_time(k: u128) -> Time {
    Time(((k >> 64) as u64 ^ 1 << 63) as i64)
}

fn key_slot(k: u128) -> u32 {
    (k as u64 & SLOT_MASK) as u32
}

fn key_seq(k: u128) -> u64 {
    k as u64 >> (SLOT_BITS + 1)
}

/// The note of an event scheduled without one.
pub const NO_NOTE: i64 = i64::MIN;

impl<E> Queue<E> {
    /// Schedules `event` at true time `at` (unflagged).
    #[cfg(test)]
    pub fn push(&mut self, at: Time, event: E) {
        self.push_flagged(at, event, false);
    }

    /// Schedules `event` at true time `at`, with a flag that [`Queue::pop_flagged`]
    /// gives back.
    ///
    /// # Panics
    /// If more than 16 million events are pending at once (a broken model).
    #[inline]
    pub fn push_flagged(&mut self, at: Time, event: E, flag: bool) {
        self.push_noted(at, event, flag, NO_NOTE);
    }

    /// Schedules `event` at true time `at` with a flag and a note: a number kept beside
    /// the event while it is pending, which [`Queue::pending`] gives back (the kernel
    /// notes when a message left its sender), without making every event bigger.
    ///
    /// # Panics
    /// If more than 16 million events are pending at once (a broken model).
    #[inline]
    pub fn push_noted(&mut self, at: Time, event: E, flag: bool, note: i64) {
        let slot = match self.free.pop() {
            Some(s) => {
                self.slab[s as usize] = Some(event);
                self.notes[s as usize] = note;
                s
            }
            None => {
                self.slab.push(Some(event));
                self.notes.push(note);
                (self.slab.len() - 1) as u32
            }
        };
        assert!((slot as u64) <= SLOT_MASK, "more than 16M pending events");
        self.seq += 1;
        let k = Reverse(key(at, self.seq, flag, slot));
        if at.0.saturating_sub(self.last) < HORIZON {
            self.near.push(k);
        } else {
            self.far.push(k);
        }
    }

    /// The key of the next event.
    #[inline]
    fn top(&self) -> Option<u128> {
        match (self.near.peek(), self.far.peek()) {
            (Some(&Reverse(a)), Some(&Reverse(b))) => Some(a.min(b)),
            (Some(&Reverse(a)), None) | (None, Some(&Reverse(a))) => Some(a),
            (None, None) => None,
        }
    }

    /// The time of the next event.
    pub fn peek_time(&self) -> Option<Time> {
        self.top().map(key_time)
    }

    /// Removes and returns the next event.
    #[cfg(test)]
    pub fn pop(&mut self) -> Option<(Time, E)> {
        self.pop_flagged().map(|(at, e, _)| (at, e))
    }

    /// Removes and returns the next event, with its flag.
    #[inline(always)]
    pub fn pop_flagged(&mut self) -> Option<(Time, E, bool)> {
        let (at, slot, flag) = self.pop_slot()?;
        Some((at, self.take(slot), flag))
    }

    /// Removes and returns the next event, with its flag and its note.
    pub fn pop_noted(&mut self) -> Option<(Time, E, bool, i64)> {
        let (at, slot, flag) = self.pop_slot()?;
        let note = self.notes[slot as usize];
        Some((at, self.take(slot), flag, note))
    }

    /// Every pending event, in no particular order: its time, its number (unique to
    /// its push: 1 for the first event ever scheduled, then 2…), its note
    /// ([`NO_NOTE`] if it has none) and the event.
    pub fn pending(&self) -> impl Iterator<Item = (Time, u64, i64, &E)> + '_ {
        self.near
            .iter()
            .chain(self.far.iter())
            .filter_map(|&Reverse(k)| {
                let slot = key_slot(k) as usize;
                let e = self.slab[slot].as_ref()?;
                Some((key_time(k), key_seq(k), self.notes[slot], e))
            })
    }

    /// Takes the next event off the heaps: its time, its slot (for [`Queue::take`])
    /// and its flag. Taking the event itself apart lets the caller move it once.
    #[inline(always)]
    pub fn pop_slot(&mut self) -> Option<(Time, u32, bool)> {
        let near_first = match (self.near.peek(), self.far.peek()) {
            (Some(a), Some(b)) => a.0 < b.0,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return None,
        };
        let heap = if near_first {
            &mut self.near
        } else {
            &mut self.far
        };
        let Reverse(top) = heap.pop().expect("peeked");
        self.last = key_time(top).0;
        let slot = key_slot(top);
        self.free.push(slot);
        Some((key_time(top), slot, key_flag(top)))
    }

    /// The event in `slot`, just popped by [`Queue::pop_slot`].
    ///
    /// # Panics
    /// If the slot holds no event.
    #[inline(always)]
    pub fn take(&mut self, slot: u32) -> E {
        self.slab[slot as usize]
            .take()
            .expect("a queued slot holds its event")
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.near.len() + self.far.len()
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.near.is_empty() && self.far.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

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

    #[test]
    fn an_event_keeps_its_flag() {
        let mut q = Queue::default();
        q.push_flagged(Time(2), 'a', true);
        q.push_flagged(Time(1), 'b', false);
        q.push_flagged(Time(2), 'c', false);
        assert_eq!(q.pop_flagged(), Some((Time(1), 'b', false)));
        assert_eq!(q.pop_flagged(), Some((Time(2), 'a', true)));
        assert_eq!(q.pop_flagged(), Some((Time(2), 'c', false)));
        assert_eq!(q.pop_flagged(), None);
    }

    #[test]
    fn keys_order_as_time_then_sequence() {
        let times = [i64::MIN, -(SLOT_MASK as i64), -1, 0, 1, 1 << 40, i64::MAX];
        for w in times.windows(2) {
            assert!(
                key(Time(w[0]), 9, true, 5) < key(Time(w[1]), 1, false, 0),
                "{w:?}"
            );
            assert_eq!(key_time(key(Time(w[0]), 3, false, 7)), Time(w[0]));
        }
        assert!(key(Time(7), 1, true, SLOT_MASK as u32) < key(Time(7), 2, false, 0));
        assert_eq!(key_slot(key(Time(-7), 2, true, 12345)), 12345);
        assert!(key_flag(key(Time(-7), 2, true, SLOT_MASK as u32)));
        assert!(!key_flag(key(
            Time(-7),
            u64::MAX >> 25,
            false,
            SLOT_MASK as u32
        )));
    }

    /// Against a sorted list, with interleaved pushes and pops, many ties and
    /// negative times: the order of a stable sort by time. With times in nanoseconds
    /// (every event near) and in tens of milliseconds (both heaps used, events
    /// crossing the horizon both ways).
    #[test]
    fn matches_a_stable_sort_under_churn() {
        churn(1);
        churn(10_000_000);
    }

    fn churn(scale: i64) {
        let mut rng = Rng::stream(11, 0);
        let mut q = Queue::default();
        let mut model: Vec<(i64, u32)> = Vec::new();
        let mut next = 0u32;
        for round in 0..20_000 {
            if rng.below(3) > 0 || q.is_empty() {
                let at = (rng.below(500) as i64 - 100) * scale;
                q.push(Time(at), next);
                model.push((at, next));
                next += 1;
            } else {
                // The model's earliest, first scheduled among ties (ids grow with time).
                let i = (0..model.len()).min_by_key(|&i| model[i]).unwrap();
                let (at, id) = model.remove(i);
                assert_eq!(q.peek_time(), Some(Time(at)), "round {round}");
                assert_eq!(q.pop(), Some((Time(at), id)), "round {round}");
            }
            assert_eq!(q.len(), model.len());
        }
        model.sort();
        let rest: Vec<(i64, u32)> = std::iter::from_fn(|| q.pop().map(|(t, e)| (t.0, e))).collect();
        assert_eq!(rest, model);
        if scale > 1 {
            assert!(!q.far.is_empty() || q.is_empty());
        }
    }

    #[test]
    fn pending_lists_every_event_with_its_number_and_note() {
        let mut q = Queue::default();
        q.push_noted(Time(5), 'a', false, 3);
        q.push_noted(Time(HORIZON * 3), 'b', true, -8);
        q.push(Time(1), 'c');
        assert_eq!(q.pop(), Some((Time(1), 'c')));
        // 'd' takes the slot 'c' freed: it has its own note, not 'c''s.
        q.push(Time(7), 'd');
        let mut seen: Vec<(Time, u64, i64, char)> = q
            .pending()
            .map(|(t, n, note, &e)| (t, n, note, e))
            .collect();
        seen.sort();
        assert_eq!(
            seen,
            vec![
                (Time(5), 1, 3, 'a'),
                (Time(7), 4, NO_NOTE, 'd'),
                (Time(HORIZON * 3), 2, -8, 'b'),
            ]
        );
        assert_eq!(q.pop_noted(), Some((Time(5), 'a', false, 3)));
        assert_eq!(q.pop_noted(), Some((Time(7), 'd', false, NO_NOTE)));
        assert_eq!(q.pop_noted(), Some((Time(HORIZON * 3), 'b', true, -8)));
    }

    #[test]
    fn far_events_wait_in_the_far_heap() {
        let mut q = Queue::default();
        q.push(Time(0), 'a');
        assert_eq!(q.pop(), Some((Time(0), 'a')));
        q.push(Time(HORIZON), 'f');
        q.push(Time(HORIZON - 1), 'n');
        assert_eq!((q.near.len(), q.far.len()), (1, 1));
        assert_eq!(q.pop(), Some((Time(HORIZON - 1), 'n')));
        assert_eq!(q.pop(), Some((Time(HORIZON), 'f')));
    }
}
