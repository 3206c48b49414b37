//! The storage of a derived space: the free columns of one scalar type, all of
//! length N, each padded so that any pack that holds a real point is one load.
//!
//! Generated code keeps one [`Columns`] per scalar type of the struct (an
//! `f32` block and an `f64` block for a struct with both) and addresses a
//! column by its index, a constant in the generated code.

// Indices here are column numbers (constants of the generated code, below
// K) and lane numbers (below V): they cannot be out of range.
#![allow(clippy::indexing_slicing)]

use crate::simd::{MAX_LANES, Pack, Packable, Scalar};

/// Columns are stored padded to a multiple of this many values, with the
/// default fill, so that every pack of up to this many lanes that holds a real
/// point is a plain load. A multiple of every supported lane count.
pub const PADDING: usize = MAX_LANES;

/// Length of a column of `len` points with its padding.
#[inline(always)]
pub fn padded_len(len: usize) -> usize {
    len.div_ceil(PADDING) * PADDING
}

/// `K` columns of `T`, each of `len` points followed by padding.
///
/// Invariant, relied on by the `unsafe` load: every column's length is
/// `padded_len(len)`. The fields are private and nothing hands out `&mut`
/// access, so only [`Columns::new`] establishes it.
#[derive(Clone, Debug)]
pub struct Columns<T, const K: usize> {
    len: usize,
    columns: [Vec<T>; K],
}

impl<T: Scalar, const K: usize> Columns<T, K> {
    /// Stores `columns`, which generated code has checked to hold `len` points
    /// each, padding each with the default fill. A column with spare capacity
    /// for its padding is not copied.
    ///
    /// # Panics
    /// If `columns` does not hold exactly `K` columns of `len` points: generated
    /// code checks both first, so this is a broken internal invariant.
    pub fn new(len: usize, columns: Vec<Vec<T>>) -> Self {
        assert!(
            columns.iter().all(|column| column.len() == len),
            "every column holds N points"
        );
        let padded = padded_len(len);
        let columns = columns.into_iter().map(|mut column| {
            column.reserve_exact(padded - len);
            column.resize(padded, T::from_fill(f64::NAN));
            column
        });
        let columns: Vec<Vec<T>> = columns.collect();
        #[allow(clippy::panic)] // generated code passes K columns: see # Panics
        let columns: [Vec<T>; K] = columns.try_into().unwrap_or_else(|columns: Vec<_>| {
            panic!("expected {K} columns, got {}", columns.len())
        });
        Columns { len, columns }
    }

    /// The number of points, N.
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no points.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Column `c`, without its padding.
    #[inline]
    pub fn column(&self, c: usize) -> &[T] {
        &self.columns[c][..self.len]
    }

    /// The pack of points `start .. start + V` of column `c`.
    ///
    /// Meant for packs that start at a multiple of `V` below N: those are one
    /// unaligned load, the tail pack included (its lanes past N read the
    /// padding, which holds the default fill). Any other `start` gets the
    /// default-filled pack the slow way, so this never reads out of bounds.
    #[inline(always)]
    pub fn load<const V: usize>(&self, c: usize, start: usize) -> T::Pack
    where
        T: Packable<V>,
    {
        const {
            assert!(
                PADDING.is_multiple_of(V),
                "the padding must hold a whole number of packs"
            )
        };
        let column = &self.columns[c];
        if start < self.len && start.is_multiple_of(V) {
            // SAFETY: `column.len() == padded_len(self.len)` (the struct
            // invariant). `start` is a multiple of V below `len`, and V divides
            // PADDING, so `start + V <= padded_len(len)`: the V values from
            // `start` are inside the column. `[T; V]` has the alignment of `T`,
            // which the column's pointer has.
            let lanes = unsafe { &*column.as_ptr().add(start).cast::<[T; V]>() };
            <T::Pack as Pack<V>>::load(lanes)
        } else {
            self.load_tail(c, start, self.len, f64::NAN)
        }
    }

    /// The pack of points `start .. start + V` of column `c`, with `fill` in
    /// every lane at or past `end` or N. `start` may be anything.
    #[cold]
    pub fn load_tail<const V: usize>(
        &self,
        c: usize,
        start: usize,
        end: usize,
        fill: f64,
    ) -> T::Pack
    where
        T: Packable<V>,
    {
        let fill = T::from_fill(fill);
        let column = self.column(c);
        let real = column[..end.min(column.len())].get(start..).unwrap_or(&[]);
        let mut lanes = [fill; V];
        let n = real.len().min(V);
        lanes[..n].copy_from_slice(&real[..n]);
        <T::Pack as Pack<V>>::from_array(lanes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp(n: usize, offset: f32) -> Vec<f32> {
        (0..n).map(|i| i as f32 + offset).collect()
    }

    #[test]
    fn columns_are_padded_with_the_default_fill() {
        let columns = Columns::<f32, 2>::new(3, vec![ramp(3, 0.0), ramp(3, 10.0)]);
        assert_eq!(columns.len(), 3);
        assert_eq!(columns.column(1), &[10.0, 11.0, 12.0]);
        assert_eq!(columns.columns[0].len(), PADDING);
        assert!(columns.columns[0][3..].iter().all(|x| x.is_nan()));
        let ints = Columns::<u32, 1>::new(PADDING + 1, vec![vec![7; PADDING + 1]]);
        assert_eq!(ints.columns[0].len(), 2 * PADDING);
        assert!(ints.columns[0][PADDING + 1..].iter().all(|&x| x == 0));
    }

    #[test]
    fn a_column_with_room_for_its_padding_is_not_copied() {
        let mut column = ramp(5, 0.0);
        column.reserve_exact(PADDING);
        let ptr = column.as_ptr();
        let columns = Columns::<f32, 1>::new(5, vec![column]);
        assert_eq!(columns.column(0).as_ptr(), ptr);
    }

    /// Exercises the `unsafe` load at every in-range start, the last one
    /// reading padding.
    #[test]
    fn load_reads_every_pack_below_n_including_the_padded_tail() {
        for n in [1, 15, 16, 17, 63, 64, 65, 200] {
            let columns = Columns::<f32, 2>::new(n, vec![ramp(n, 0.0), ramp(n, 1000.0)]);
            for start in (0..n).step_by(16) {
                let pack = columns.load::<16>(1, start).to_array();
                for (k, value) in pack.into_iter().enumerate() {
                    if start + k < n {
                        assert_eq!(value, (start + k) as f32 + 1000.0);
                    } else {
                        assert!(value.is_nan(), "lane {k} past N={n} holds the padding");
                    }
                }
            }
        }
    }

    #[test]
    fn load_outside_the_fast_path_falls_back_to_a_filled_pack() {
        let columns = Columns::<f64, 1>::new(10, vec![(0..10).map(f64::from).collect()]);
        // Not a multiple of V: built lane by lane, never read past the column.
        assert_eq!(columns.load::<4>(0, 7).to_array()[..3], [7.0, 8.0, 9.0]);
        assert!(columns.load::<4>(0, 7).to_array()[3].is_nan());
        // Past N, even far past the padding.
        assert!(
            columns
                .load::<4>(0, 1 << 40)
                .to_array()
                .iter()
                .all(|x| x.is_nan())
        );
        assert_eq!(
            columns.load_tail::<4>(0, 8, 10, -1.0).to_array(),
            [8.0, 9.0, -1.0, -1.0]
        );
    }

    #[test]
    fn empty_columns_have_no_padding() {
        let columns = Columns::<i32, 3>::new(0, vec![vec![], vec![], vec![]]);
        assert!(columns.is_empty());
        assert_eq!(columns.columns[2].len(), 0);
        assert_eq!(columns.load::<8>(2, 0).to_array(), [0; 8]);
    }
}
