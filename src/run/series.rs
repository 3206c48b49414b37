//! Time series out of a kernel: each pack's [`Recorder`] of samples,
//! gathered in point order into a [`TimeSeries`] of N points by T samples
//! per recorded variable.

// Indices here are lane numbers below V, variables below R and samples below
// the recorder's length: they cannot be out of range.
#![allow(clippy::indexing_slicing)]

use super::output::Output;
use crate::error::{OutputError, SeriesShapeError};
use crate::simd::{Pack, Scalar};

/// Most bytes a block reserves for its time series before it has them: a
/// block of many points grows as results come (a streaming run's blocks
/// are smaller than this, and reserve exactly).
const RESERVED_BYTES: usize = 256 << 20;

/// The samples a kernel records for one pack of points: `R` variables (each
/// a pack of `V` lanes) per sample, in time order. A kernel that returns it
/// makes [`Executor::run`](crate::Executor::run) return a [`TimeSeries`]
/// and [`run_into`](crate::Executor::run_into) stream one, window by
/// window ([`NpySink`](crate::NpySink) writes a 2-D `.npy` per variable).
///
/// Every pack of a run must record the same number of samples
/// ([`ExecError::SampleCount`](crate::ExecError::SampleCount) otherwise): record at fixed steps (every
/// `k`-th step, or at chosen times), not where a lane's state decides.
///
/// ```
/// use dataspace::prelude::*;
/// use dataspace::{Recorder, TimeSeries};
///
/// #[derive(DataSpace, Clone, Debug)]
/// struct Decay { rate: f32 }
///
/// let space = DecaySpace::new(DecayColumns { rate: vec![0.5, 1.0, 2.0] })?;
/// let (dt, steps, every) = (0.01f32, 300, 100);
/// let series: TimeSeries<f32, 2> = Executor::parallel().run(&space, |p: DecayLanes<'_, 8>| {
///     let mut x = F32::<8>::splat(1.0);
///     let mut recorder = Recorder::with_capacity(steps / every);
///     for step in 1..=steps {
///         x = x - p.rate * x * dt; // Euler step of dx/dt = -rate x
///         if step % every == 0 {
///             recorder.record([x, x * x]); // two variables: x and x²
///         }
///     }
///     recorder
/// })?;
/// assert_eq!(series.shape(), (3, 3)); // 3 points, 3 samples each
/// let [x, x2] = series.point(1).expect("point 1 exists");
/// assert!((x[2] - (-3.0f32).exp()).abs() < 0.01); // rate 1 at t = 3
/// assert_eq!(x2[2], x[2] * x[2]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Recorder<P, const R: usize = 1> {
    samples: Vec<[P; R]>,
}

impl<P, const R: usize> Default for Recorder<P, R> {
    fn default() -> Self {
        Recorder {
            samples: Vec::new(),
        }
    }
}

impl<P, const R: usize> Recorder<P, R> {
    /// An empty recorder.
    #[must_use]
    pub fn new() -> Self {
        Recorder::default()
    }

    /// An empty recorder with room for `samples` samples.
    #[must_use]
    pub fn with_capacity(samples: usize) -> Self {
        Recorder {
            samples: Vec::with_capacity(samples),
        }
    }

    /// Appends one sample of each of the `R` variables.
    #[inline]
    pub fn record(&mut self, sample: [P; R]) {
        self.samples.push(sample);
    }

    /// The samples recorded.
    #[must_use]
    pub fn len(&self) -> usize {
        self.samples.len()
    }

    /// Whether nothing was recorded.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }
}

/// `R` recorded variables of N points by T samples each: what a run of a
/// kernel returning a [`Recorder`] gives, in point order.
///
/// Each variable is one row-major N x T array ([`variable`](TimeSeries::variable)),
/// as numpy holds a 2-D array and as [`NpySink`](crate::NpySink) writes it:
/// point `i`'s samples are `values[i * T .. (i + 1) * T]`. A run of no
/// points has no samples: its shape is (0, 0).
///
/// ```
/// use dataspace::TimeSeries;
///
/// let series = TimeSeries::<f32>::from_variables(2, 3, [vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]])?;
/// assert_eq!(series.shape(), (2, 3));
/// assert_eq!(series.point(1), Some([&[4.0f32, 5.0, 6.0][..]]));
/// assert_eq!(series.variable(0), Some(&[1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0][..]));
/// # Ok::<(), dataspace::SeriesShapeError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct TimeSeries<T, const R: usize = 1> {
    points: usize,
    samples: usize,
    values: [Vec<T>; R],
}

impl<T: Scalar, const R: usize> TimeSeries<T, R> {
    /// `R` variables of `points` x `samples` values each, row-major.
    ///
    /// # Errors
    /// [`SeriesShapeError`] naming the first variable that does not hold
    /// `points * samples` values.
    pub fn from_variables(
        points: usize,
        samples: usize,
        values: [Vec<T>; R],
    ) -> Result<Self, SeriesShapeError> {
        for (variable, values) in values.iter().enumerate() {
            if Some(values.len()) != points.checked_mul(samples) {
                return Err(SeriesShapeError {
                    variable,
                    found: values.len(),
                    points,
                    samples,
                });
            }
        }
        Ok(TimeSeries {
            points,
            samples,
            values,
        })
    }

    /// Points (N).
    #[must_use]
    pub fn points(&self) -> usize {
        self.points
    }

    /// Samples per point (T).
    #[must_use]
    pub fn samples(&self) -> usize {
        self.samples
    }

    /// (N, T): the shape of each variable.
    #[must_use]
    pub fn shape(&self) -> (usize, usize) {
        (self.points, self.samples)
    }

    /// Variable `r`, row-major N x T; `None` for `r >= R`.
    #[must_use]
    pub fn variable(&self, r: usize) -> Option<&[T]> {
        self.values.get(r).map(Vec::as_slice)
    }

    /// Point `i`'s samples of each variable; `None` for `i >= N`.
    #[must_use]
    pub fn point(&self, i: usize) -> Option<[&[T]; R]> {
        if i >= self.points {
            return None;
        }
        let (start, end) = (i * self.samples, (i + 1) * self.samples);
        Some(core::array::from_fn(|r| &self.values[r][start..end]))
    }

    /// The variables, each row-major N x T.
    #[must_use]
    pub fn into_variables(self) -> [Vec<T>; R] {
        self.values
    }
}

/// One block's time series (the executor's, between `push` and `finish`).
#[doc(hidden)]
#[derive(Debug)]
pub struct SeriesBlock<T, const R: usize> {
    /// Room to reserve for, in points, once the sample count is known.
    capacity: usize,
    /// Points pushed.
    points: usize,
    /// Samples per point, from the first pack.
    samples: Option<usize>,
    values: [Vec<T>; R],
}

impl<P: Pack<V>, const V: usize, const R: usize> Output<V> for Recorder<P, R> {
    type Result = TimeSeries<P::Scalar, R>;
    type Block = SeriesBlock<P::Scalar, R>;

    fn block(points: usize) -> Self::Block {
        SeriesBlock {
            capacity: points,
            points: 0,
            samples: None,
            values: core::array::from_fn(|_| Vec::new()),
        }
    }

    fn push(self, block: &mut Self::Block, valid: usize) -> Result<(), OutputError> {
        let samples = self.samples.len();
        match block.samples {
            Some(expected) if expected != samples => {
                return Err(OutputError::SampleCount {
                    point: block.points,
                    found: samples,
                    expected,
                });
            }
            Some(_) => {}
            None => {
                block.samples = Some(samples);
                let bytes = samples.saturating_mul(R * size_of::<P::Scalar>()).max(1);
                let room = block.capacity.min(RESERVED_BYTES / bytes) * samples;
                for variable in &mut block.values {
                    variable.reserve_exact(room);
                }
            }
        }
        // Sample-major in, point-major out: each sample's lanes go to `valid`
        // rows at once (V write streams, each sequential).
        let valid = valid.min(V);
        for (r, variable) in block.values.iter_mut().enumerate() {
            let base = variable.len();
            variable.resize(base + valid * samples, P::Scalar::default());
            let rows = &mut variable[base..];
            for (s, sample) in self.samples.iter().enumerate() {
                let lanes = sample[r].to_array();
                for (lane, &value) in lanes.iter().take(valid).enumerate() {
                    rows[lane * samples + s] = value;
                }
            }
        }
        block.points += valid;
        Ok(())
    }

    fn finish(blocks: Vec<Self::Block>, len: usize) -> Result<Self::Result, OutputError> {
        let samples = blocks.iter().find_map(|block| block.samples).unwrap_or(0);
        let mut point = 0;
        for block in &blocks {
            match block.samples {
                Some(found) if found != samples => {
                    return Err(OutputError::SampleCount {
                        point,
                        found,
                        expected: samples,
                    });
                }
                _ => point += block.points,
            }
        }
        debug_assert_eq!(point, len, "the blocks hold every point of the run");
        // One block is moved; several are copied into arrays of the exact size.
        let values = if let [_] = blocks[..] {
            blocks.into_iter().map(|block| block.values).next()
        } else {
            let mut values: [Vec<P::Scalar>; R] =
                core::array::from_fn(|_| Vec::with_capacity(point * samples));
            for block in blocks {
                for (all, part) in values.iter_mut().zip(block.values) {
                    all.extend(part);
                }
            }
            Some(values)
        };
        let values = values.unwrap_or_else(|| core::array::from_fn(|_| Vec::new()));
        Ok(TimeSeries {
            points: point,
            samples,
            values,
        })
    }

    fn point_bytes(result: &Self::Result) -> Option<usize> {
        Some(result.samples.saturating_mul(R * size_of::<P::Scalar>()))
    }

    fn samples(result: &Self::Result) -> Option<usize> {
        Some(result.samples)
    }
}
