//! The windows of a streaming run, shared by [`Executor::run_into`] and the
//! MPI executor's: where each starts and ends, and the header an empty run
//! still writes.
//!
//! [`Executor::run_into`]: super::Executor::run_into

use super::output::Output;
use super::sink::Sink;
use crate::error::ExecError;
use crate::space::{Slice, Space};
use core::ops::Range;

/// The windows of `size` points from `start` to `len`, in order.
pub(crate) fn windows(start: usize, len: usize, size: usize) -> impl Iterator<Item = Range<usize>> {
    let size = size.max(1);
    let mut next = start;
    core::iter::from_fn(move || {
        (next < len).then(|| {
            let window = next..next.saturating_add(size).min(len);
            next = window.end;
            window
        })
    })
}

/// Writes the header of an empty run (a run without windows) to `sink`, so
/// its file looks like any other run's.
pub(crate) fn write_empty<S, O, const V: usize, W>(space: &S, sink: &mut W) -> Result<(), ExecError>
where
    S: Space,
    S::Point: crate::io::Record,
    O: Output<V>,
    W: Sink<O::Result> + ?Sized,
{
    let empty = Slice::new(space, 0..0);
    sink.write(&empty, &O::finish(Vec::new(), 0))
        .map_err(ExecError::Sink)
}

#[cfg(test)]
mod tests {
    use super::windows;

    #[test]
    fn windows_cover_the_rest_of_the_run_in_order() {
        assert_eq!(windows(0, 10, 4).collect::<Vec<_>>(), [0..4, 4..8, 8..10]);
        assert_eq!(windows(5, 10, 4).collect::<Vec<_>>(), [5..9, 9..10]);
        assert_eq!(windows(10, 10, 4).count(), 0);
        assert_eq!(windows(0, 3, 0).collect::<Vec<_>>(), [0..1, 1..2, 2..3]);
        let last: Vec<_> = windows(usize::MAX - 1, usize::MAX, usize::MAX).collect();
        assert_eq!(last.len(), 1);
        assert_eq!(last[0], usize::MAX - 1..usize::MAX);
    }
}
