//! The values one free field takes in a design.

use super::distribution::Distribution;
use super::plan::{Sampler, draw};
use crate::simd::Scalar;

/// The values of one free field of a design: explicit values, an evenly
/// spaced grid, a logarithmic grid, or random draws within bounds.
///
/// Grid axes have a length; a product design (`XDesign::product`) combines
/// their lengths. Random axes ([`Axis::uniform`]) have none: they belong in
/// random designs, where every point draws its own value.
///
/// ```
/// use dataspace::prelude::*;
/// use dataspace::Axis;
///
/// #[derive(DataSpace, Clone, Debug, PartialEq)]
/// struct P { eta: f32, k: i32 }
///
/// let design = PDesign::product(PAxes {
///     eta: Axis::linspace(-6.0, -3.0, 4),
///     k: Axis::values([1, 2]),
/// })?;
/// assert_eq!(design.len(), 8);
/// let etas: Vec<f32> = design.iter().step_by(2).map(|p| p.eta).collect();
/// assert_eq!(etas, [-6.0, -5.0, -4.0, -3.0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Axis<T> {
    kind: Kind<T>,
}

#[derive(Clone)]
enum Kind<T> {
    Values(Vec<T>),
    /// `n` values from `lo` to `hi` (both included), mapped through `map`.
    Grid {
        lo: f64,
        hi: f64,
        n: usize,
        log: bool,
        map: fn(f64) -> T,
        /// The range of `T`, to check the ends against.
        range: (f64, f64),
    },
    /// One draw in `[lo, hi)` per point.
    Uniform {
        lo: f64,
        hi: f64,
        draw: fn(f64, f64, f64) -> T,
        range: (f64, f64),
    },
    /// `n` values of the random axis `from`, value `k` at point `k`'s draw
    /// of a one-field `n`-point design by `sampler` and `seed` (computed
    /// when read: nothing is stored): a grid axis.
    Draws {
        from: Box<Axis<T>>,
        n: usize,
        sampler: Sampler,
        seed: u64,
    },
    /// One draw per point from a distribution, by its quantile function.
    Drawn {
        distribution: Distribution,
        map: fn(f64) -> T,
        /// Whether `T` is a float (the distributions are of real values).
        float: bool,
        range: (f64, f64),
        /// `T`'s smallest positive normal value.
        tiny: f64,
    },
}

/// As it was made: `Values([1, 2])`, `Linspace { lo, hi, n }`,
/// `Logspace { lo_exp, hi_exp, n }`, `Uniform { lo, hi }`,
/// `Normal { mean, sd }` and the other distributions (parameters as `f64`).
impl<T: core::fmt::Debug> core::fmt::Debug for Axis<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match &self.kind {
            Kind::Values(values) => f.debug_tuple("Values").field(values).finish(),
            Kind::Grid { lo, hi, n, log, .. } => {
                let (name, lo_name, hi_name) = match log {
                    true => ("Logspace", "lo_exp", "hi_exp"),
                    false => ("Linspace", "lo", "hi"),
                };
                f.debug_struct(name)
                    .field(lo_name, lo)
                    .field(hi_name, hi)
                    .field("n", n)
                    .finish()
            }
            Kind::Uniform { lo, hi, .. } => f
                .debug_struct("Uniform")
                .field("lo", lo)
                .field("hi", hi)
                .finish(),
            Kind::Drawn { distribution, .. } => distribution.fmt(f),
            Kind::Draws {
                from,
                n,
                sampler,
                seed,
            } => f
                .debug_struct("Draws")
                .field("from", from)
                .field("n", n)
                .field("sampler", sampler)
                .field("seed", seed)
                .finish(),
        }
    }
}

/// A scalar an axis can interpolate: every column [`Scalar`]; floats as
/// they are, integers rounded to nearest.
///
/// ```
/// use dataspace::AxisScalar;
///
/// assert_eq!(<i32 as AxisScalar>::from_f64(3.6), 4); // rounded, not truncated
/// assert_eq!(<f32 as AxisScalar>::from_f64(3.6), 3.6);
/// // A unit draw of 0.99 in [0, 3): the integer 2, never 3.
/// assert_eq!(<i32 as AxisScalar>::uniform(0.0, 3.0, 0.99), 2);
/// assert_eq!(<f64 as AxisScalar>::uniform(10.0, 20.0, 0.5), 15.0);
/// ```
pub trait AxisScalar: Copy {
    /// The smallest and largest finite values, as f64.
    const RANGE: (f64, f64);
    /// Whether the type is a float (distribution axes need one).
    const FLOAT: bool;
    /// The smallest positive normal value, as f64 (1 for integers): where
    /// a positive distribution's draws must start.
    const MIN_POSITIVE: f64;
    /// `x` as this type: `as` for floats, rounded to nearest for integers.
    fn from_f64(x: f64) -> Self;
    /// This value as f64 (exact for every supported scalar).
    fn to_f64(self) -> f64;
    /// The value at the unit-interval draw `u` of the range `[lo, hi)`,
    /// never `hi`: `lo + (hi - lo) u` (rounded down to below `hi` if it
    /// rounds up to it) for floats, its floor for integers, so that each
    /// integer of `lo..hi` is equally likely.
    fn uniform(lo: f64, hi: f64, u: f64) -> Self;
}

impl<T: Scalar> AxisScalar for T {
    const RANGE: (f64, f64) = T::RANGE;
    const FLOAT: bool = T::FLOAT;
    const MIN_POSITIVE: f64 = T::MIN_POSITIVE;

    fn from_f64(x: f64) -> Self {
        T::from_fill(if T::FLOAT { x } else { x.round() })
    }

    fn to_f64(self) -> f64 {
        Scalar::to_f64(self)
    }

    fn uniform(lo: f64, hi: f64, u: f64) -> Self {
        if T::FLOAT {
            let (x, hi) = (T::from_fill(lo + (hi - lo) * u), T::from_fill(hi));
            if x < hi { x } else { hi.below() }
        } else {
            // Integers of lo..hi: the floor of a draw in [lo, hi), at most hi - 1.
            T::from_fill((lo + (hi - lo) * u).floor().min(hi - 1.0))
        }
    }
}

impl<T> Axis<T> {
    /// These values, in order.
    ///
    /// ```
    /// use dataspace::prelude::*;
    /// use dataspace::Axis;
    ///
    /// #[derive(DataSpace, Clone, Debug, PartialEq)]
    /// struct P { r0: [f32; 2] }
    ///
    /// let design = PDesign::product(PAxes { r0: Axis::values([[0.1, -2.0], [0.2, -1.0]]) })?;
    /// assert_eq!(design.get(1), Some(P { r0: [0.2, -1.0] }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn values(values: impl Into<Vec<T>>) -> Self {
        Axis {
            kind: Kind::Values(values.into()),
        }
    }

    /// One value: an axis of length 1 (a free field held constant).
    ///
    /// ```
    /// use dataspace::prelude::*;
    /// use dataspace::Axis;
    ///
    /// #[derive(DataSpace, Clone, Debug, PartialEq)]
    /// struct P { eta: f32, j: f32 }
    ///
    /// let design = PDesign::product(PAxes { eta: Axis::linspace(0.0, 1.0, 3), j: Axis::value(15.0) })?;
    /// assert_eq!(design.len(), 3);
    /// assert!(design.iter().all(|p| p.j == 15.0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn value(value: T) -> Self {
        Axis {
            kind: Kind::Values(vec![value]),
        }
    }

    /// The number of values, or `None` for a random axis.
    ///
    /// ```
    /// use dataspace::Axis;
    ///
    /// assert_eq!(Axis::values([1, 2, 3]).len(), Some(3));
    /// assert_eq!(Axis::<f64>::logspace(-2.0, 1.0, 4).len(), Some(4));
    /// let random = Axis::uniform(0.0f32, 1.0);
    /// assert_eq!(random.len(), None);
    /// assert!(random.is_random() && !random.is_empty());
    /// ```
    #[must_use]
    pub fn len(&self) -> Option<usize> {
        match &self.kind {
            Kind::Values(values) => Some(values.len()),
            Kind::Grid { n, .. } => Some(*n),
            Kind::Draws { n, .. } => Some(*n),
            Kind::Uniform { .. } | Kind::Drawn { .. } => None,
        }
    }

    /// What kind of axis this is, in words, for error messages.
    fn kind_name(&self) -> &'static str {
        match &self.kind {
            Kind::Values(_) => "values",
            Kind::Grid { log: false, .. } => "a linspace",
            Kind::Grid { log: true, .. } => "a logspace",
            Kind::Uniform { .. } => "a uniform axis",
            Kind::Drawn { .. } => "a distribution axis",
            Kind::Draws { .. } => "draws",
        }
    }

    /// Whether the axis has no values (a design with it has no points).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }

    /// `n` values drawn once from this random axis (uniform or a
    /// distribution) with `sampler` and `seed`, as a grid axis: it then
    /// takes part in `product`, `zip` and `groups` like
    /// [`values`](Axis::values) (tvboptim's `UniformAxis(lo, hi, n)` in
    /// product mode). Value `k` is point `k`'s value of the one-field
    /// random design `random(n, sampler, seed, ..)`, so
    /// `Sampler::LatinHypercube` puts one value in each `1/n` of
    /// probability. Nothing is stored: value `k` is computed when read, so
    /// `n` may be as large as any grid axis. A non-random axis is an error
    /// when the design is built.
    ///
    /// ```
    /// use dataspace::prelude::*;
    /// use dataspace::{Axis, Sampler};
    ///
    /// #[derive(DataSpace, Clone, Debug, PartialEq)]
    /// struct P { eta: f32, g: f64 }
    ///
    /// let design = PDesign::product(PAxes {
    ///     eta: Axis::linspace(-6.0, -3.0, 4),
    ///     g: Axis::normal(0.5, 0.1).draws(8, Sampler::LatinHypercube, 42),
    /// })?;
    /// assert_eq!(design.len(), 32); // 4 x 8: every eta with the same 8 draws of g
    /// let first: Vec<f64> = design.iter().take(8).map(|p| p.g).collect();
    /// let second: Vec<f64> = design.iter().skip(8).take(8).map(|p| p.g).collect();
    /// assert_eq!(first, second);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn draws(self, n: usize, sampler: Sampler, seed: u64) -> Self {
        Axis {
            kind: Kind::Draws {
                from: Box::new(self),
                n,
                sampler,
                seed,
            },
        }
    }

    /// Whether the axis draws random values.
    #[must_use]
    pub fn is_random(&self) -> bool {
        matches!(self.kind, Kind::Uniform { .. } | Kind::Drawn { .. })
    }

    /// Value `k` of a grid axis (`k < len`), or for a random axis the value at
    /// the unit-interval draw `u`.
    #[must_use]
    #[doc(hidden)]
    #[inline]
    #[allow(clippy::indexing_slicing)] // k < len: the contract of this hidden helper
    pub fn at(&self, k: usize, u: f64) -> T
    where
        T: Clone,
    {
        match &self.kind {
            Kind::Values(values) => values[k].clone(),
            Kind::Draws {
                from,
                n,
                sampler,
                seed,
            } => from.at(0, draw(*sampler, *seed, 0, k, *n)),
            Kind::Grid {
                lo,
                hi,
                n,
                log,
                map,
                ..
            } => {
                let x = numpy_linspace(*lo, *hi, *n, k);
                map(if *log { 10f64.powf(x) } else { x })
            }
            Kind::Uniform { lo, hi, draw, .. } => draw(*lo, *hi, u),
            Kind::Drawn {
                distribution, map, ..
            } => map(distribution.quantile(u)),
        }
    }

    /// Checks that the axis describes values of `T`: grid ends and uniform
    /// bounds finite and inside `T`'s range (for `logspace`, `10^end`), and
    /// `lo < hi` for a uniform axis. Explicit values are taken as given.
    ///
    /// # Errors
    /// What is wrong, in words (the design names the field).
    ///
    /// ```
    /// use dataspace::Axis;
    ///
    /// assert_eq!(Axis::linspace(0.0f32, 1.0, 5).check(), Ok(()));
    /// assert_eq!(
    ///     Axis::uniform(1.0f32, 0.0).check(),
    ///     Err("uniform needs lo < hi, got [1, 0)".to_string())
    /// );
    /// assert!(Axis::<u32>::linspace(0, 10, 3).check().is_ok());
    /// assert!(Axis::<i32>::logspace(0.0, 12.0, 3).check().is_err()); // 10^12 > i32::MAX
    /// ```
    pub fn check(&self) -> Result<(), String> {
        let inside = |x: f64, (min, max): (f64, f64)| x.is_finite() && min <= x && x <= max;
        match &self.kind {
            Kind::Values(_) => Ok(()),
            Kind::Grid {
                lo, hi, log, range, ..
            } => {
                let ends = if *log {
                    (10f64.powf(*lo), 10f64.powf(*hi))
                } else {
                    (*lo, *hi)
                };
                if inside(ends.0, *range) && inside(ends.1, *range) && (hi - lo).is_finite() {
                    Ok(())
                } else if *log {
                    Err(format!(
                        "logspace from 10^{lo} to 10^{hi} leaves the range of its type ({} to {})",
                        range.0, range.1
                    ))
                } else {
                    Err(format!(
                        "linspace from {lo} to {hi} is not finite, leaves the range of its type ({} to {}), or spans more than f64 holds",
                        range.0, range.1
                    ))
                }
            }
            Kind::Uniform { lo, hi, range, .. } => {
                if !(inside(*lo, *range) && inside(*hi, *range)) {
                    Err(format!(
                        "uniform bounds {lo} and {hi} are not finite or leave the range of its type"
                    ))
                } else if lo >= hi {
                    Err(format!("uniform needs lo < hi, got [{lo}, {hi})"))
                } else {
                    Ok(())
                }
            }
            Kind::Draws {
                from, n, sampler, ..
            } => {
                if !from.is_random() {
                    return Err(format!(
                        "draws(..) needs a random axis (uniform or a distribution), got {}",
                        from.kind_name()
                    ));
                }
                if *sampler == Sampler::Sobol && *n > 1 << 16 {
                    return Err(format!(
                        "Sobol draws are at most 65,536 values, asked for {n}"
                    ));
                }
                from.check()
            }
            Kind::Drawn {
                distribution,
                float,
                range,
                tiny,
                ..
            } => {
                if !*float {
                    return Err(format!(
                        "{distribution:?} draws real numbers: give it a float field (an integer field takes uniform, grid or value axes)"
                    ));
                }
                distribution.check()?;
                // The extreme draws must stay finite in the field's type.
                let (low, high) = (
                    distribution.quantile(0.0),
                    distribution.quantile(1.0 - f64::EPSILON / 2.0),
                );
                if distribution.positive() && (low.is_nan() || low < *tiny) {
                    Err(format!(
                        "{distribution:?} draws values down to {low:e} at its extreme draws, below the field type's smallest positive normal value {tiny:e}: they would round to 0 or lose precision"
                    ))
                } else if inside(low, *range) && inside(high, *range) {
                    Ok(())
                } else {
                    Err(format!(
                        "{distribution:?} reaches {low:e} to {high:e} at its extreme draws, beyond the field's type ({:e} to {:e})",
                        range.0, range.1
                    ))
                }
            }
        }
    }
}

/// Value `k` of numpy's `linspace(lo, hi, n)` (endpoint included), computed
/// as numpy computes it in float64, so that the values agree bit for bit:
/// `k * step + lo` with `step = (hi - lo) / (n - 1)`, `k / (n - 1) * (hi - lo)
/// + lo` when the step underflows to 0, exactly `hi` last, and `lo` alone for
/// `n = 1`.
fn numpy_linspace(lo: f64, hi: f64, n: usize, k: usize) -> f64 {
    let delta = hi - lo;
    let k_f = k as f64;
    if n <= 1 {
        return k_f * delta + lo;
    }
    if k + 1 == n {
        return hi;
    }
    let div = (n - 1) as f64;
    let step = delta / div;
    if step == 0.0 {
        k_f / div * delta + lo
    } else {
        k_f * step + lo
    }
}

impl<T: AxisScalar> Axis<T> {
    /// `n` evenly spaced values from `lo` to `hi`, both included: numpy's
    /// `linspace(lo, hi, n)` bit for bit (computed in `f64` as numpy does,
    /// then converted to `T`; `n = 1` gives `lo`). Integers are rounded to
    /// nearest, where numpy's `dtype=int` would truncate.
    ///
    /// ```
    /// use dataspace::prelude::*;
    /// use dataspace::Axis;
    ///
    /// #[derive(DataSpace, Clone, Debug, PartialEq)]
    /// struct P { x: f64, n: i32 }
    ///
    /// let design = PDesign::zip(PAxes { x: Axis::linspace(0.0, 1.0, 5), n: Axis::linspace(0, 10, 5) })?;
    /// let x: Vec<f64> = design.iter().map(|p| p.x).collect();
    /// assert_eq!(x, [0.0, 0.25, 0.5, 0.75, 1.0]);
    /// let n: Vec<i32> = design.iter().map(|p| p.n).collect();
    /// assert_eq!(n, [0, 3, 5, 8, 10]); // 2.5 and 7.5 rounded to nearest (away from 0)
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn linspace(lo: T, hi: T, n: usize) -> Self {
        Axis {
            kind: Kind::Grid {
                lo: lo.to_f64(),
                hi: hi.to_f64(),
                n,
                log: false,
                map: T::from_f64,
                range: T::RANGE,
            },
        }
    }

    /// `n` values from `10^lo_exp` to `10^hi_exp`, evenly spaced in the
    /// exponent: numpy's `logspace`, `10^x` of the [`linspace`](Axis::linspace)
    /// exponents (`n = 1` gives `10^lo_exp`). The power is the platform's
    /// `pow`, which may differ from numpy's in the last bit.
    ///
    /// ```
    /// use dataspace::prelude::*;
    /// use dataspace::Axis;
    ///
    /// #[derive(DataSpace, Clone, Debug, PartialEq)]
    /// struct P { rate: f64 }
    ///
    /// let design = PDesign::product(PAxes { rate: Axis::logspace(-2.0, 1.0, 4) })?;
    /// let rates: Vec<f64> = design.iter().map(|p| p.rate).collect();
    /// assert_eq!(rates, [0.01, 0.1, 1.0, 10.0]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn logspace(lo_exp: f64, hi_exp: f64, n: usize) -> Self {
        Axis {
            kind: Kind::Grid {
                lo: lo_exp,
                hi: hi_exp,
                n,
                log: true,
                map: T::from_f64,
                range: T::RANGE,
            },
        }
    }

    /// A random value per point, uniform in `[lo, hi)` (for random designs):
    /// never `hi`; for integers each of `lo..hi` equally likely. The bounds
    /// are checked when a design is built ([`Axis::check`]).
    ///
    /// ```
    /// use dataspace::prelude::*;
    /// use dataspace::{Axis, Sampler};
    ///
    /// #[derive(DataSpace, Clone, Debug, PartialEq)]
    /// struct P { eta: f32, seed: u32 }
    ///
    /// let axes = PAxes { eta: Axis::uniform(-6.0, -3.0), seed: Axis::uniform(0, 4) };
    /// let design = PDesign::random(100, Sampler::Uniform, 42, axes)?;
    /// assert_eq!(design.len(), 100);
    /// assert!(design.iter().all(|p| (-6.0..-3.0).contains(&p.eta) && p.seed < 4));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn uniform(lo: T, hi: T) -> Self {
        Axis {
            kind: Kind::Uniform {
                lo: lo.to_f64(),
                hi: hi.to_f64(),
                draw: T::uniform,
                range: T::RANGE,
            },
        }
    }

    /// A draw per point by the quantile function of `distribution`.
    fn drawn(distribution: Distribution) -> Self {
        Axis {
            kind: Kind::Drawn {
                distribution,
                map: T::from_f64,
                float: T::FLOAT,
                range: T::RANGE,
                tiny: T::MIN_POSITIVE,
            },
        }
    }

    /// A random value per point from the normal distribution with mean
    /// `mean` and standard deviation `sd` (for random designs, like every
    /// distribution axis). The design's unit draw `u` becomes the
    /// `u`-quantile (scipy's `norm.ppf(u, mean, sd)`), so Latin hypercube
    /// and Sobol designs stratify the distribution: each of `n` strata of
    /// probability holds one point. A draw of exactly 0 is taken as `2^-53`
    /// (8.2 sd below the mean), never minus infinity.
    ///
    /// Distribution axes need a float field; their parameters are checked
    /// when the design is built ([`Axis::check`]).
    ///
    /// ```
    /// use dataspace::prelude::*;
    /// use dataspace::{Axis, Sampler};
    ///
    /// #[derive(DataSpace, Clone, Debug, PartialEq)]
    /// struct P { eta: f64 }
    ///
    /// let axes = PAxes { eta: Axis::normal(-4.5, 0.5) };
    /// let design = PDesign::random(1000, Sampler::LatinHypercube, 7, axes)?;
    /// // Latin hypercube: exactly half the points below the median.
    /// assert_eq!(design.iter().filter(|p| p.eta < -4.5).count(), 500);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn normal(mean: T, sd: T) -> Self {
        Self::drawn(Distribution::Normal {
            mean: mean.to_f64(),
            sd: sd.to_f64(),
        })
    }

    /// A random value per point from the log-normal distribution: `e^X`
    /// for `X` normal with mean `mu` and standard deviation `sigma`
    /// (scipy's `lognorm(s=sigma, scale=exp(mu))`; median `e^mu`). For
    /// rates and time constants swept over orders of magnitude.
    ///
    /// ```
    /// use dataspace::prelude::*;
    /// use dataspace::{Axis, Sampler};
    ///
    /// #[derive(DataSpace, Clone, Debug, PartialEq)]
    /// struct P { tau: f32 }
    ///
    /// let axes = PAxes { tau: Axis::lognormal(2.0, 1.0) };
    /// let design = PDesign::random(100, Sampler::Sobol, 3, axes)?;
    /// assert!(design.iter().all(|p| p.tau > 0.0));
    /// assert_eq!(design.iter().filter(|p| f64::from(p.tau) < 2f64.exp()).count(), 50);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn lognormal(mu: f64, sigma: f64) -> Self {
        Self::drawn(Distribution::LogNormal { mu, sigma })
    }

    /// A random value per point from the normal distribution with mean
    /// `mean` and standard deviation `sd` restricted to `[lo, hi]` (scipy's
    /// `truncnorm((lo - mean) / sd, (hi - mean) / sd, mean, sd)`). Either
    /// bound may be infinite; the values never leave `[lo, hi]`. Accurate
    /// also when the interval lies far in a tail (it is computed on the
    /// side of the mean where the normal distribution function keeps its
    /// relative precision).
    ///
    /// ```
    /// use dataspace::prelude::*;
    /// use dataspace::{Axis, Sampler};
    ///
    /// #[derive(DataSpace, Clone, Debug, PartialEq)]
    /// struct P { g: f64 }
    ///
    /// // A coupling that cannot be negative.
    /// let axes = PAxes { g: Axis::truncated_normal(0.2, 0.5, 0.0, f64::INFINITY) };
    /// let design = PDesign::random(500, Sampler::Uniform, 1, axes)?;
    /// assert!(design.iter().all(|p| p.g >= 0.0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn truncated_normal(mean: T, sd: T, lo: T, hi: T) -> Self {
        Self::drawn(Distribution::TruncatedNormal {
            mean: mean.to_f64(),
            sd: sd.to_f64(),
            lo: lo.to_f64(),
            hi: hi.to_f64(),
        })
    }

    /// A random value per point from the beta distribution with shapes `a`
    /// and `b`, stretched from `[0, 1]` onto `[lo, hi]` (scipy's
    /// `beta(a, b, loc=lo, scale=hi - lo)`): a bounded prior with a mode
    /// inside the bounds (`a, b > 1`), or mass at the ends (`a, b < 1`).
    ///
    /// ```
    /// use dataspace::prelude::*;
    /// use dataspace::{Axis, Sampler};
    ///
    /// #[derive(DataSpace, Clone, Debug, PartialEq)]
    /// struct P { p: f64 }
    ///
    /// let axes = PAxes { p: Axis::beta(2.0, 5.0, 10.0, 20.0) };
    /// let design = PDesign::random(200, Sampler::LatinHypercube, 9, axes)?;
    /// assert!(design.iter().all(|p| (10.0..=20.0).contains(&p.p)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn beta(a: f64, b: f64, lo: T, hi: T) -> Self {
        Self::drawn(Distribution::Beta {
            a,
            b,
            lo: lo.to_f64(),
            hi: hi.to_f64(),
        })
    }

    /// A random value per point from the gamma distribution with shape
    /// `shape` and scale `scale` (mean `shape * scale`; scipy's
    /// `gamma(shape, scale=scale)`): a positive parameter with a skewed
    /// prior. Its quantile is a Newton iteration on the incomplete gamma
    /// function, 0.6-0.9 µs a point (`cargo bench --bench design`; the
    /// normal family takes 65-100 ns, beta 1.6 µs): for a short model run
    /// that is more than the run, so materialise the design once
    /// (`to_space`) if it is swept more than once. Shapes up to `10^6`.
    ///
    /// ```
    /// use dataspace::prelude::*;
    /// use dataspace::{Axis, Sampler};
    ///
    /// #[derive(DataSpace, Clone, Debug, PartialEq)]
    /// struct P { delay: f64 }
    ///
    /// let axes = PAxes { delay: Axis::gamma(2.0, 3.0) };
    /// let design = PDesign::random(4000, Sampler::Sobol, 5, axes)?;
    /// let mean = design.iter().map(|p| p.delay).sum::<f64>() / 4000.0;
    /// assert!((mean - 6.0).abs() < 0.05);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn gamma(shape: f64, scale: f64) -> Self {
        Self::drawn(Distribution::Gamma { shape, scale })
    }
}

impl<T: AxisScalar> Axis<T> {
    /// This axis for an array field `[T; K]`: every element of the field
    /// takes the axis's value at each point (tvboptim's `GridAxis(...,
    /// shape=(K,))`, "shape broadcasting"). Any axis broadcasts: values,
    /// grids, random and distribution axes (one draw per point, the same in
    /// every element) and draws. `K` is the field's length, inferred.
    ///
    /// ```
    /// use dataspace::prelude::*;
    /// use dataspace::Axis;
    ///
    /// #[derive(DataSpace, Clone, Debug, PartialEq)]
    /// struct Net { g: f32, tau: [f32; 3] }
    ///
    /// let design = NetDesign::product(NetAxes {
    ///     g: Axis::values([0.5, 1.0]),
    ///     tau: Axis::linspace(10.0, 30.0, 3).broadcast(), // one tau for all 3 nodes
    /// })?;
    /// assert_eq!(design.len(), 6);
    /// assert_eq!(design.get(1), Some(Net { g: 0.5, tau: [20.0; 3] }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn broadcast<const K: usize>(self) -> Axis<[T; K]> {
        let kind = match self.kind {
            Kind::Values(values) => Kind::Values(values.into_iter().map(|x| [x; K]).collect()),
            Kind::Grid {
                lo,
                hi,
                n,
                log,
                range,
                ..
            } => Kind::Grid {
                lo,
                hi,
                n,
                log,
                map: splat_from_f64::<T, K>,
                range,
            },
            Kind::Uniform { lo, hi, range, .. } => Kind::Uniform {
                lo,
                hi,
                draw: splat_uniform::<T, K>,
                range,
            },
            Kind::Drawn {
                distribution,
                float,
                range,
                tiny,
                ..
            } => Kind::Drawn {
                distribution,
                map: splat_from_f64::<T, K>,
                float,
                range,
                tiny,
            },
            Kind::Draws {
                from,
                n,
                sampler,
                seed,
            } => Kind::Draws {
                from: Box::new(from.broadcast()),
                n,
                sampler,
                seed,
            },
        };
        Axis { kind }
    }
}

/// `T::from_f64(x)` in every element (a broadcast axis's map).
fn splat_from_f64<T: AxisScalar, const K: usize>(x: f64) -> [T; K] {
    [T::from_f64(x); K]
}

/// `T::uniform(lo, hi, u)` in every element (a broadcast axis's draw).
fn splat_uniform<T: AxisScalar, const K: usize>(lo: f64, hi: f64, u: f64) -> [T; K] {
    [T::uniform(lo, hi, u); K]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_print_as_they_were_made() {
        assert_eq!(format!("{:?}", Axis::values([1, 2])), "Values([1, 2])");
        assert_eq!(
            format!("{:?}", Axis::<f32>::linspace(0.0, 1.0, 3)),
            "Linspace { lo: 0.0, hi: 1.0, n: 3 }"
        );
        assert_eq!(
            format!("{:?}", Axis::<f64>::logspace(-1.0, 2.0, 4)),
            "Logspace { lo_exp: -1.0, hi_exp: 2.0, n: 4 }"
        );
        assert_eq!(
            format!("{:?}", Axis::uniform(-5i64, 5)),
            "Uniform { lo: -5.0, hi: 5.0 }"
        );
    }

    #[test]
    fn linspace_matches_numpy_and_ends_exactly_at_hi() {
        let axis = Axis::<f64>::linspace(-6.0, -3.0, 4);
        assert_eq!(axis.len(), Some(4));
        let values: Vec<f64> = (0..4).map(|k| axis.at(k, 0.0)).collect();
        assert_eq!(values, [-6.0, -5.0, -4.0, -3.0]);
        let f = Axis::<f32>::linspace(0.0, 0.3, 4);
        assert_eq!(f.at(3, 0.0), 0.3f32);
        assert_eq!(Axis::<i32>::linspace(0, 10, 4).at(1, 0.0), 3); // 3.33 rounded
        assert_eq!(Axis::<f32>::linspace(2.0, 5.0, 1).at(0, 0.0), 2.0); // numpy: the lower end
    }

    #[test]
    fn logspace_is_even_in_the_exponent() {
        let axis = Axis::<f64>::logspace(-2.0, 1.0, 4);
        let values: Vec<f64> = (0..4).map(|k| axis.at(k, 0.0)).collect();
        assert_eq!(values, [0.01, 0.1, 1.0, 10.0]);
    }

    #[test]
    fn uniform_maps_the_unit_interval_onto_the_bounds() {
        let axis = Axis::<f32>::uniform(10.0, 20.0);
        assert!(axis.is_random() && axis.len().is_none());
        assert_eq!(axis.at(0, 0.0), 10.0);
        assert_eq!(axis.at(0, 0.5), 15.0);
    }

    #[test]
    fn values_are_returned_as_given() {
        let axis = Axis::values([[0.1f32, -2.0], [0.2, -1.0]]);
        assert_eq!(axis.len(), Some(2));
        assert_eq!(axis.at(1, 0.0), [0.2, -1.0]);
        assert!(Axis::<f32>::values(vec![]).is_empty());
    }
}
