//! An append-only list stored in fixed chunks: what a run records as it goes (the
//! checkers' history of observations).
//!
//! A `Vec` that grows by doubling copies everything it holds at each step, and past a
//! few hundred kilobytes each new buffer is fresh memory from the system. A run appends
//! tens of thousands of observations, so that copying and first touching cost more than
//! writing them. Here each chunk holds [`CHUNK`] items and is never moved: appending is
//! a write, a full chunk is followed by a new one of the same size, and chunks are small
//! enough that the allocator hands the previous run's back to the next one.

use std::ops::Index;

/// Items per chunk (a power of two).
pub const CHUNK: usize = 1 << SHIFT;
const SHIFT: u32 = 10;

/// An append-only list in chunks of [`CHUNK`] items.
#[derive(Clone, Debug, PartialEq)]
pub struct Tape<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for Tape<T> {
    fn default() -> Self {
        Tape {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Tape<T> {
    /// An empty tape.
    pub fn new() -> Tape<T> {
        Tape::default()
    }

    /// How many items it holds.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends `item`.
    #[inline]
    pub fn push(&mut self, item: T) {
        match self.chunks.last_mut() {
            Some(c) if c.len() < CHUNK => c.push(item),
            _ => {
                let mut c = Vec::with_capacity(CHUNK);
                c.push(item);
                self.chunks.push(c);
            }
        }
        self.len += 1;
    }

    /// The item at `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<&T> {
        self.chunks.get(i >> SHIFT)?.get(i & (CHUNK - 1))
    }

    /// The last item.
    pub fn last(&self) -> Option<&T> {
        self.chunks.last()?.last()
    }

    /// Every item, in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + '_ {
        self.chunks.iter().flatten()
    }
}

impl<T> Index<usize> for Tape<T> {
    type Output = T;

    #[inline]
    fn index(&self, i: usize) -> &T {
        match self.get(i) {
            Some(t) => t,
            None => panic!("index {i} out of a tape of {}", self.len),
        }
    }
}

impl<'a, T> IntoIterator for &'a Tape<T> {
    type Item = &'a T;
    type IntoIter = std::iter::Flatten<std::slice::Iter<'a, Vec<T>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.chunks.iter().flatten()
    }
}

impl<T> FromIterator<T> for Tape<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut t = Tape::new();
        for x in iter {
            t.push(x);
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_keep_their_place_across_chunks() {
        let n = 2 * CHUNK + 5;
        let t: Tape<usize> = (0..n).map(|i| i * 3).collect();
        assert_eq!(t.len(), n);
        assert_eq!(t.chunks.len(), 3, "two full chunks and one of 5");
        assert_eq!(t.chunks[2].len(), 5);
        for i in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, n - 1] {
            assert_eq!(t[i], i * 3);
            assert_eq!(t.get(i), Some(&(i * 3)));
        }
        assert_eq!(t.get(n), None);
        assert_eq!(t.last(), Some(&((n - 1) * 3)));
        let all: Vec<usize> = t.iter().copied().collect();
        assert_eq!(all, (0..n).map(|i| i * 3).collect::<Vec<_>>());
        assert_eq!(t.iter().next_back(), Some(&((n - 1) * 3)));
    }

    #[test]
    fn a_full_chunk_is_never_moved() {
        let mut t = Tape::new();
        for i in 0..CHUNK {
            t.push(i);
        }
        let first = &t[0] as *const usize;
        for i in 0..3 * CHUNK {
            t.push(i);
        }
        assert_eq!(first, &t[0] as *const usize, "appending moves nothing");
    }

    #[test]
    #[should_panic(expected = "index 0 out of a tape of 0")]
    fn reading_past_the_end_says_so() {
        let t: Tape<u8> = Tape::new();
        let _ = t[0];
    }
}
