//! Sorting through a few shared functions.
//!
//! Each `slice::sort*` call with its own element type or comparator is a copy of the
//! whole sorting algorithm (a stable driftsort or an unstable ipnsort with their
//! small-sort networks: 1 to 5 KB of WebAssembly each). The browser app had 18 of them,
//! about 79 KB before compression. Here every sort goes through two instantiations: one
//! of integers ([`sort_u64`]) and one of indices with a comparator behind a pointer
//! ([`order_by`]), which the generic helpers ([`sort_by`], [`sort_by_key`], [`sort`])
//! then apply to the elements.
//!
//! The results are those of the standard library's sorts: [`order_by`] breaks ties by
//! index, which is what a stable sort gives, and the unstable sorts these replace all
//! sorted by a total order (equal elements indistinguishable), where every correct sort
//! gives the same result.

use std::cmp::Ordering;

/// Sorts `v` ascending.
#[inline(never)]
pub fn sort_u64(v: &mut [u64]) {
    v.sort_unstable();
}

/// Sorts `v` ascending (through [`sort_u64`]: flipping the sign bit maps `i64`'s order
/// onto `u64`'s).
pub fn sort_i64(v: &mut [i64]) {
    const SIGN: u64 = 1 << 63;
    let mut keys: Vec<u64> = v.iter().map(|&x| x as u64 ^ SIGN).collect();
    sort_u64(&mut keys);
    for (x, k) in v.iter_mut().zip(keys) {
        *x = (k ^ SIGN) as i64;
    }
}

/// The indices `0..n` in the order `cmp` gives them, ties in index order: the
/// permutation a stable sort by `cmp` applies.
#[inline(never)]
pub fn order_by(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_unstable_by(|&a, &b| cmp(a, b).then(a.cmp(&b)));
    idx
}

/// Up to this length [`sort_by`] sorts in place by insertion: no allocation, and little
/// code per element type. The hot paths sort a handful of elements (an anomaly's four
/// pieces of evidence, an NTP filter's eight stages), many times a run.
const SMALL: usize = 16;

/// Sorts `v` by `cmp`, stably (as `slice::sort_by`).
pub fn sort_by<T: Clone>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() <= SMALL {
        // Insertion: an element moves left only past strictly greater ones (stable).
        for i in 1..v.len() {
            let mut j = i;
            while j > 0 && cmp(&v[j - 1], &v[j]) == Ordering::Greater {
                v.swap(j - 1, j);
                j -= 1;
            }
        }
        return;
    }
    let idx = order_by(v.len(), &mut |a, b| cmp(&v[a], &v[b]));
    let old = v.to_vec();
    for (slot, i) in v.iter_mut().zip(idx) {
        *slot = old[i].clone();
    }
}

/// Sorts `v` by the key `f` gives each element, stably (as `slice::sort_by_key`).
pub fn sort_by_key<T: Clone, K: Ord>(v: &mut [T], mut f: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| f(a).cmp(&f(b)));
}

/// Sorts `v` ascending, stably (as `slice::sort`; for a total order the same as
/// `slice::sort_unstable`).
pub fn sort<T: Clone + Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (no dependency on the core's streams).
    fn lcg(seed: &mut u64) -> u64 {
        *seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        *seed >> 33
    }

    #[test]
    fn integers_ascending() {
        let mut v = vec![5u64, 0, u64::MAX, 3, 3, 1];
        sort_u64(&mut v);
        assert_eq!(v, [0, 1, 3, 3, 5, u64::MAX]);
        let mut w = vec![4i64, -1, i64::MIN, 0, i64::MAX, -7];
        sort_i64(&mut w);
        assert_eq!(w, [i64::MIN, -7, -1, 0, 4, i64::MAX]);
    }

    /// Equal keys keep their places, as in the standard library's stable sort, on
    /// lengths either side of its small-sort threshold and of ours (`SMALL`).
    #[test]
    fn stable_like_the_standard_sort() {
        let mut seed = 7;
        for n in [0, 1, 2, 5, 15, 16, 17, 19, 20, 21, 33, 100, 1000] {
            let v: Vec<(u64, usize)> = (0..n).map(|i| (lcg(&mut seed) % 5, i)).collect();
            let mut ours = v.clone();
            sort_by_key(&mut ours, |p| p.0);
            let mut std_ = v.clone();
            std_.sort_by_key(|p| p.0);
            assert_eq!(ours, std_, "n = {n}");
        }
    }

    #[test]
    fn order_by_is_the_stable_permutation() {
        let keys = [3, 1, 3, 0, 1];
        let idx = order_by(keys.len(), &mut |a, b| keys[a].cmp(&keys[b]));
        assert_eq!(idx, [3, 1, 4, 0, 2]);
    }

    #[test]
    fn floats_by_total_order() {
        let mut v: Vec<(f64, char)> =
            vec![(2.5, 'a'), (-0.0, 'b'), (0.0, 'c'), (-3.0, 'd'), (2.5, 'e')];
        sort_by(&mut v, |a, b| a.0.total_cmp(&b.0));
        assert_eq!(
            v,
            [(-3.0, 'd'), (-0.0, 'b'), (0.0, 'c'), (2.5, 'a'), (2.5, 'e')]
        );
        let mut t = vec![(9u8, 1i64), (2, 7), (9, 0), (2, 7)];
        sort(&mut t);
        assert_eq!(t, [(2, 7), (2, 7), (9, 0), (9, 1)]);
    }
}
