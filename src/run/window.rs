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

/// The windows of a run from point `start` to `len`, in order: `size`
/// points each (at least 1), which [`resize`](Windows::resize) changes for
/// the windows after.
#[derive(Debug, Clone)]
pub(crate) struct Windows {
    next: usize,
    len: usize,
    size: usize,
}

impl Windows {
    pub(crate) fn new(start: usize, len: usize, size: usize) -> Self {
        Windows {
            next: start,
            len,
            size: size.max(1),
        }
    }

    /// Later windows hold `size` points (at least 1).
    pub(crate) fn resize(&mut self, size: usize) {
        self.size = size.max(1);
    }
}

impl Iterator for Windows {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        (self.next < self.len).then(|| {
            let window = self.next..self.next.saturating_add(self.size).min(self.len);
            self.next = window.end;
            window
        })
    }
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
    sink.write(&empty, &O::finish(Vec::new(), 0)?)
        .map_err(ExecError::Sink)
}

#[cfg(test)]
mod tests {
    use super::Windows;

    fn windows(start: usize, len: usize, size: usize) -> Windows {
        Windows::new(start, len, size)
    }

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

    #[test]
    fn resized_windows_take_the_new_size_from_the_next_window_on() {
        let mut windows = windows(0, 20, 2);
        assert_eq!(windows.next(), Some(0..2));
        windows.resize(8);
        assert_eq!(windows.collect::<Vec<_>>(), [2..10, 10..18, 18..20]);
        let mut windows = super::Windows::new(0, 3, 5);
        windows.resize(0);
        assert_eq!(windows.collect::<Vec<_>>(), [0..1, 1..2, 2..3]);
    }
}
