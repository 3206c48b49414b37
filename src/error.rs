//! Errors a user can cause at run time. Each names what was expected and what was found.

use core::fmt;

/// The columns given to `XSpace::new` do not share one leading dimension N.
///
/// N is set by the first free field; the error names the first field whose
/// length differs.
///
/// ```text
/// free parameter `j` of `Mpr` has 2 points but `eta` has 3
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ShapeError {
    /// A free column has another length than the first free column.
    LengthMismatch {
        /// The struct the space was derived from.
        space: &'static str,
        /// The offending free field.
        field: &'static str,
        /// Its number of points.
        found: usize,
        /// The number of points of the first free field.
        expected: usize,
        /// The first free field, which set N.
        expected_from: &'static str,
    },
}

impl fmt::Display for ShapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShapeError::LengthMismatch { space, field, found, expected, expected_from } => write!(
                f,
                "free parameter `{field}` of `{space}` has {found} point{} but `{expected_from}` has {expected}",
                if *found == 1 { "" } else { "s" }
            ),
        }
    }
}

impl std::error::Error for ShapeError {}

/// [`CollectOptions`](crate::CollectOptions) that describe no valid layout.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LayoutError {
    /// `n_pmap` was 0: a layout needs at least one block.
    NoBlocks,
    /// The layout would have more lanes than `usize` can count.
    TooManyLanes {
        /// Number of points, N.
        len: usize,
        /// Requested number of blocks.
        n_pmap: usize,
        /// Lanes per pack, V.
        lanes: usize,
    },
}

impl fmt::Display for LayoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LayoutError::NoBlocks => {
                f.write_str("`n_pmap` is 0, expected at least 1 block (the default is rayon's thread count)")
            }
            LayoutError::TooManyLanes { len, n_pmap, lanes } => write!(
                f,
                "a layout of {len} points in {n_pmap} blocks of packs of {lanes} lanes has more lanes than usize can count"
            ),
        }
    }
}

impl std::error::Error for LayoutError {}

/// A run of an [`Executor`](crate::Executor) that could not finish.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExecError {
    /// `threads(0)`: a pool needs at least one thread.
    NoThreads,
    /// The thread pool could not be started.
    Pool(String),
    /// The kernel panicked. `point` is the first point of the first pack (or
    /// the first point, for `map`) in point order whose call panicked.
    KernelPanicked {
        /// Index of the point (the first lane of the pack) that panicked.
        point: usize,
        /// The panic message.
        message: String,
    },
    /// The layout options were invalid (`n_pmap` = 0).
    Layout(LayoutError),
}

impl fmt::Display for ExecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExecError::NoThreads => f.write_str("an executor needs at least 1 thread, got 0"),
            ExecError::Pool(error) => write!(f, "could not start the thread pool: {error}"),
            ExecError::KernelPanicked { point, message } => {
                write!(f, "the kernel panicked at point {point}: {message}")
            }
            ExecError::Layout(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for ExecError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ExecError::Layout(error) => Some(error),
            _ => None,
        }
    }
}

impl From<LayoutError> for ExecError {
    fn from(error: LayoutError) -> Self {
        ExecError::Layout(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_error_names_field_lengths_and_the_field_that_set_n() {
        let e = ShapeError::LengthMismatch {
            space: "Mpr",
            field: "j",
            found: 2,
            expected: 3,
            expected_from: "eta",
        };
        assert_eq!(
            e.to_string(),
            "free parameter `j` of `Mpr` has 2 points but `eta` has 3"
        );
        let one = ShapeError::LengthMismatch {
            space: "Mpr",
            field: "j",
            found: 1,
            expected: 3,
            expected_from: "eta",
        };
        assert_eq!(
            one.to_string(),
            "free parameter `j` of `Mpr` has 1 point but `eta` has 3"
        );
    }

    #[test]
    fn layout_error_says_what_was_expected() {
        assert!(LayoutError::NoBlocks
            .to_string()
            .contains("at least 1 block"));
    }
}
