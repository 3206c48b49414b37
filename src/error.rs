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
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExecError {
    /// `threads(0)`: a pool needs at least one thread.
    #[error("an executor needs at least 1 thread, got 0")]
    NoThreads,
    /// The thread pool could not be started.
    #[error("could not start the thread pool: {0}")]
    Pool(String),
    /// The kernel panicked. `point` is the first point of the first pack (or
    /// the first point, for `map`) in point order whose call panicked.
    #[error("the kernel panicked at point {point}: {message}")]
    KernelPanicked {
        /// Index of the point (the first lane of the pack) that panicked.
        point: usize,
        /// The panic message.
        message: String,
    },
    /// The progress callback panicked; the run stopped without a result.
    #[error("the progress callback panicked: {message}")]
    ProgressPanicked {
        /// The panic message.
        message: String,
    },
    /// The layout options were invalid (`n_pmap` = 0).
    #[error(transparent)]
    Layout(#[from] LayoutError),
    /// A streaming run's sink could not resume or write.
    #[error("the sink failed: {0}")]
    Sink(#[source] crate::io::IoError),
    /// An MPI gather that cannot be done (too many results for MPI's counts,
    /// or a rank not holding its shard); reported on every rank.
    #[error("MPI gather: {0}")]
    Gather(String),
    /// A run over MPI ranks failed on `rank` (reported on every rank).
    #[error("the kernel failed on rank {rank} at point {point}: {message}")]
    RankFailed {
        /// The rank whose shard held the first failing point.
        rank: usize,
        /// The first failing point, counted from the start of the space.
        point: usize,
        /// The panic message (on the failing rank; a pointer to it elsewhere).
        message: String,
    },
}

/// A range of points that is not inside `0..N`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeError {
    /// First point asked for.
    pub start: usize,
    /// One past the last point asked for.
    pub end: usize,
    /// The number of points, N.
    pub len: usize,
}

impl fmt::Display for RangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "points {}..{} are not inside a space of {} points",
            self.start, self.end, self.len
        )
    }
}

impl std::error::Error for RangeError {}

/// Axes that describe no design.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DesignError {
    /// Zipped axes (lock-step) of different lengths: never truncated.
    ZipLengths {
        /// The axis whose length differs.
        field: &'static str,
        /// Its length.
        len: usize,
        /// The length of the first axis of its group.
        expected: usize,
        /// The first axis of its group.
        expected_from: &'static str,
    },
    /// A random axis (`Axis::uniform`) in a grid design.
    RandomAxisInGrid {
        /// The field.
        field: &'static str,
    },
    /// A values axis in a random design with neither 1 nor `points` values.
    ValuesInRandomDesign {
        /// The field.
        field: &'static str,
        /// Its number of values.
        len: usize,
        /// The design's number of points.
        points: usize,
    },
    /// A group names a field the struct does not have as a free field.
    UnknownField {
        /// The name given.
        field: String,
    },
    /// A free field is in more than one group.
    DuplicateField {
        /// The field.
        field: &'static str,
    },
    /// A free field is in no group.
    MissingField {
        /// The field.
        field: &'static str,
    },
    /// The product of the axis lengths overflows `usize`.
    TooManyPoints,
    /// An axis whose ends or bounds describe no values of its type.
    InvalidAxis {
        /// The field.
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A design too large to store as a space (`to_space`).
    TooLarge {
        /// Its points.
        points: usize,
    },
    /// A Sobol design beyond `sobol_burley`'s limits (2^16 points, 256 random fields).
    SobolLimits {
        /// Points asked for.
        points: usize,
        /// Random fields.
        fields: usize,
    },
}

impl fmt::Display for DesignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DesignError::ZipLengths { field, len, expected, expected_from } => write!(
                f,
                "zipped axes must have equal lengths: `{field}` has {len} values but `{expected_from}` has {expected}"
            ),
            DesignError::RandomAxisInGrid { field } => write!(
                f,
                "axis `{field}` is random (uniform) but the design is a grid: use a random design, or values/linspace"
            ),
            DesignError::ValuesInRandomDesign { field, len, points } => write!(
                f,
                "axis `{field}` has {len} values in a random design of {points} points: give 1 value or {points}"
            ),
            DesignError::UnknownField { field } => write!(f, "no free field `{field}` to group"),
            DesignError::DuplicateField { field } => write!(f, "free field `{field}` is in more than one group"),
            DesignError::MissingField { field } => write!(f, "free field `{field}` is in no group"),
            DesignError::TooManyPoints => f.write_str("the product of the axis lengths overflows usize"),
            DesignError::InvalidAxis { field, reason } => write!(f, "axis `{field}`: {reason}"),
            DesignError::TooLarge { points } => write!(
                f,
                "a design of {points} points does not fit in memory as a space: run it as a design (the executor reads designs point by point)"
            ),
            DesignError::SobolLimits { points, fields } => write!(
                f,
                "a Sobol design has at most 65536 points and 256 random fields, asked for {points} points and {fields} fields"
            ),
        }
    }
}

impl std::error::Error for DesignError {}

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
