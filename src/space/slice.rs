//! A contiguous range of the points of any space or design.

use super::{PackedSpace, Space};
use crate::error::{RangeError, StrideError};
use core::ops::Range;

/// Points `range` of a space, itself a space (for manual chunking): made by
/// [`Space::slice`](crate::Space::slice). Point `i` of the slice is point
/// `range.start + i` of the space; nothing is copied.
///
/// ```
/// use dataspace::prelude::*;
///
/// #[derive(DataSpace, Clone, Debug, PartialEq)]
/// struct P { x: f32 }
///
/// let space = PSpace::new(PColumns { x: (0..10).map(|i| i as f32).collect() })?;
/// let tail = space.slice(6..10)?;
/// assert_eq!(tail.len(), 4);
/// assert_eq!(tail.get(0), Some(P { x: 6.0 }));
/// // A slice is a space: it collects and runs like one.
/// let doubled = Executor::sequential().run(&tail, |p: PLanes<'_, 4>| p.x + p.x)?;
/// assert_eq!(doubled, [12.0, 14.0, 16.0, 18.0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Slice<'a, S: ?Sized> {
    space: &'a S,
    start: usize,
    len: usize,
}

impl<S: ?Sized> Clone for Slice<'_, S> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S: ?Sized> Copy for Slice<'_, S> {}

impl<'a, S: ?Sized> Slice<'a, S> {
    pub(crate) fn new(space: &'a S, range: Range<usize>) -> Self {
        Slice {
            space,
            start: range.start,
            len: range.end - range.start,
        }
    }

    /// Where the slice starts in the space it was cut from.
    ///
    /// ```
    /// use dataspace::prelude::*;
    ///
    /// #[derive(DataSpace, Clone, Debug, PartialEq)]
    /// struct P { x: f32 }
    ///
    /// let space = PSpace::new(PColumns { x: (0..10).map(|i| i as f32).collect() })?;
    /// let slice = space.slice(3..5)?;
    /// assert_eq!(slice.offset(), 3);
    /// // Point i of the slice is point offset + i of the space.
    /// assert_eq!(slice.get(1), space.get(slice.offset() + 1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn offset(&self) -> usize {
        self.start
    }
}

impl<S: Space + ?Sized> Space for Slice<'_, S> {
    type Point = S::Point;

    fn len(&self) -> usize {
        self.len
    }

    fn get(&self, index: usize) -> Option<S::Point> {
        if index < self.len {
            self.space.get(self.start + index)
        } else {
            None
        }
    }
}

impl<'a, S: PackedSpace<V> + ?Sized, const V: usize> PackedSpace<V> for Slice<'a, S> {
    /// The space's own lanes, borrowing from the space (not from the slice), so
    /// a kernel for the space runs on its slices unchanged.
    type Lanes<'b>
        = S::Lanes<'a>
    where
        Self: 'b;

    #[inline]
    fn load_until(&self, start: usize, end: usize, fill: f64) -> S::Lanes<'a> {
        // Past the slice, lanes hold fill even where the space has points.
        let end = self.start + end.min(self.len);
        self.space
            .load_until(self.start.saturating_add(start), end, fill)
    }
}

/// The number of points of `range` taken every `step`: checked against a
/// space of `len` points (`strided` of spaces and designs).
#[doc(hidden)]
pub fn strided_len(
    range: &Range<usize>,
    step: usize,
    len: usize,
) -> Result<usize, crate::error::StrideError> {
    if range.start > range.end || range.end > len {
        return Err(StrideError::Range(RangeError {
            start: range.start,
            end: range.end,
            len,
        }));
    }
    if step == 0 {
        return Err(StrideError::ZeroStep);
    }
    Ok((range.end - range.start).div_ceil(step))
}
