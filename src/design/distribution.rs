//! Probability distributions a random axis draws from, by their quantile
//! functions: a design's unit draw `u` becomes the value below which a
//! fraction `u` of the distribution lies, so that Latin hypercube and Sobol
//! designs stratify these axes as they stratify uniform ones.
//!
//! The special functions are `statrs`'s (the inverse error function, the
//! inverse regularized incomplete beta function, the regularized
//! incomplete gamma functions) and `libm`'s `erfc` (statrs's is good to
//! about 1e-10 relative, which the truncated normal would inherit); the
//! gamma quantile is solved
//! here, since `statrs`'s own inverse stops early in both tails (0.7 %
//! off at `u = 1 - 2^-52`, orders of magnitude below `u = 10^-3` for shape
//! 0.3). The quantiles are checked against scipy's `ppf` in
//! `tests/suite/design.rs` (`tests/data/quantiles_scipy.csv`).

use statrs::function::gamma::{gamma_lr, gamma_ur, ln_gamma};
use statrs::function::{beta::inv_beta_reg, erf};

/// A distribution of real values, by its parameters (as scipy names them
/// where it has the distribution).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Distribution {
    /// Normal with mean `mean` and standard deviation `sd`.
    Normal { mean: f64, sd: f64 },
    /// `e^X` for `X` normal with mean `mu` and standard deviation `sigma`
    /// (scipy: `lognorm(s=sigma, scale=exp(mu))`).
    LogNormal { mu: f64, sigma: f64 },
    /// Normal with mean `mean` and standard deviation `sd`, conditioned on
    /// `[lo, hi]` (scipy: `truncnorm((lo - mean)/sd, (hi - mean)/sd, mean, sd)`).
    TruncatedNormal {
        mean: f64,
        sd: f64,
        lo: f64,
        hi: f64,
    },
    /// Beta with shapes `a`, `b`, stretched from `[0, 1]` onto `[lo, hi]`
    /// (scipy: `beta(a, b, loc=lo, scale=hi - lo)`).
    Beta { a: f64, b: f64, lo: f64, hi: f64 },
    /// Gamma with shape `shape` and scale `scale` (mean `shape * scale`;
    /// scipy: `gamma(shape, scale=scale)`).
    Gamma { shape: f64, scale: f64 },
}

/// The smallest unit draw a quantile is taken at: `2^-53`, the step of a
/// 53-bit draw. A draw of exactly 0 (Sobol's and a Latin hypercube's first
/// stratum can give one) would put an unbounded distribution at minus
/// infinity; it is taken as this instead.
const SMALLEST_DRAW: f64 = 1.0 / (1u64 << 53) as f64;

impl Distribution {
    /// Whether the parameters describe a distribution: finite, positive
    /// spreads and shapes, `lo < hi` where there are bounds.
    pub(crate) fn check(&self) -> Result<(), String> {
        let finite = |values: &[f64]| values.iter().all(|x| x.is_finite());
        match *self {
            Distribution::Normal { mean, sd } => match finite(&[mean, sd]) && sd > 0.0 {
                true => Ok(()),
                false => Err(format!(
                    "normal needs a finite mean and a finite sd > 0, got mean {mean} and sd {sd}"
                )),
            },
            Distribution::LogNormal { mu, sigma } => match finite(&[mu, sigma]) && sigma > 0.0 {
                true => Ok(()),
                false => Err(format!(
                    "lognormal needs a finite mu and a finite sigma > 0, got mu {mu} and sigma {sigma}"
                )),
            },
            Distribution::TruncatedNormal { mean, sd, lo, hi } => {
                if !(finite(&[mean, sd]) && sd > 0.0) {
                    Err(format!(
                        "truncated normal needs a finite mean and a finite sd > 0, got mean {mean} and sd {sd}"
                    ))
                } else if lo.is_nan() || hi.is_nan() || lo >= hi {
                    Err(format!("truncated normal needs lo < hi, got [{lo}, {hi}]"))
                } else if truncation(lo, hi, mean, sd).is_none() {
                    Err(format!(
                        "truncated normal on [{lo}, {hi}] holds no probability that f64 can resolve: the bounds are more than 37 sd from the mean {mean} on the same side"
                    ))
                } else {
                    Ok(())
                }
            }
            Distribution::Beta { a, b, lo, hi } => {
                if !(finite(&[a, b]) && a > 0.0 && b > 0.0) {
                    Err(format!(
                        "beta needs finite shapes a > 0 and b > 0, got a {a} and b {b}"
                    ))
                } else if !(finite(&[lo, hi, hi - lo]) && lo < hi) {
                    Err(format!(
                        "beta needs finite bounds lo < hi, got [{lo}, {hi}]"
                    ))
                } else {
                    Ok(())
                }
            }
            Distribution::Gamma { shape, scale } => {
                match finite(&[shape, scale]) && shape > 0.0 && scale > 0.0 {
                    true => Ok(()),
                    false => Err(format!(
                        "gamma needs a finite shape > 0 and a finite scale > 0, got shape {shape} and scale {scale}"
                    )),
                }
            }
        }
    }

    /// The value below which a fraction `u` of the distribution lies (`u`
    /// in `[0, 1)`; 0 is taken as [`SMALLEST_DRAW`]). The parameters have
    /// passed [`check`](Distribution::check).
    pub(crate) fn quantile(&self, u: f64) -> f64 {
        let u = u.max(SMALLEST_DRAW);
        match *self {
            Distribution::Normal { mean, sd } => sd.mul_add(standard_normal_quantile(u), mean),
            Distribution::LogNormal { mu, sigma } => {
                sigma.mul_add(standard_normal_quantile(u), mu).exp()
            }
            Distribution::TruncatedNormal { mean, sd, lo, hi } => {
                truncated_normal_quantile(u, mean, sd, lo, hi)
            }
            Distribution::Beta { a, b, lo, hi } => {
                let x = inv_beta_reg(a, b, u);
                (hi - lo).mul_add(x, lo).clamp(lo, hi)
            }
            Distribution::Gamma { shape, scale } => gamma_quantile(shape, u) * scale,
        }
    }
}

/// `Φ^-1(p)` for `p` in `(0, 1)`, from the small tail's side for accuracy:
/// `1 - p` is exact for `p >= 1/2`.
fn standard_normal_quantile(p: f64) -> f64 {
    if p > 0.5 {
        -standard_normal_quantile(1.0 - p)
    } else {
        -core::f64::consts::SQRT_2 * erf::erfc_inv(2.0 * p)
    }
}

/// `Φ(x)`, the standard normal distribution function.
fn phi(x: f64) -> f64 {
    0.5 * libm::erfc(-x / core::f64::consts::SQRT_2)
}

/// The truncation points in standard units and the probability between
/// them, computed from the side of the mean where `Φ` keeps its relative
/// precision (no difference of two numbers near 1); `None` if `f64`
/// resolves none.
fn truncation(lo: f64, hi: f64, mean: f64, sd: f64) -> Option<(f64, f64, f64)> {
    let (alpha, beta) = ((lo - mean) / sd, (hi - mean) / sd);
    let mass = if alpha > 0.0 {
        phi(-alpha) - phi(-beta)
    } else if beta < 0.0 {
        phi(beta) - phi(alpha)
    } else {
        1.0 - phi(alpha) - phi(-beta)
    };
    (mass > 0.0).then_some((alpha, beta, mass))
}

/// The truncated normal's quantile: the `z` with `Φ(z) = Φ(α) + u m`, `m`
/// the interval's probability, or equivalently `Φ(-z) = Φ(-β) + (1 - u) m`.
/// Whichever of the two probabilities is at most 1/2 is used, so that
/// neither is a number near 1 and the tails keep their relative precision.
fn truncated_normal_quantile(u: f64, mean: f64, sd: f64, lo: f64, hi: f64) -> f64 {
    let Some((alpha, beta, mass)) = truncation(lo, hi, mean, sd) else {
        return f64::NAN; // not reached: `check` passed
    };
    let below = u.mul_add(mass, phi(alpha));
    let z = if below <= 0.5 {
        standard_normal_quantile(below.max(f64::MIN_POSITIVE))
    } else {
        let above = (1.0 - u).mul_add(mass, phi(-beta));
        -standard_normal_quantile(above.clamp(f64::MIN_POSITIVE, 0.5))
    };
    sd.mul_add(z.clamp(alpha, beta), mean).clamp(lo, hi)
}

/// The `p`-quantile of the gamma distribution with shape `a` and scale 1:
/// the `x` with `P(a, x) = p` (`p <= 1/2`) or `Q(a, x) = 1 - p` (above; `1 -
/// p` is exact there), found by Newton's method on the logarithm of that
/// tail probability as a function of `ln x`. In those coordinates the
/// tail is smooth and monotonic from `x -> 0` to `x -> infinity`, and
/// relative precision holds in both tails. Steps are limited to a factor
/// `e^2` in `x`, so that a poor start cannot throw the iteration out of
/// the range where the tail is representable.
fn gamma_quantile(a: f64, p: f64) -> f64 {
    let lower = p <= 0.5;
    let target = if lower { p } else { 1.0 - p };
    let ln_target = target.ln();
    let ln_gamma_a = ln_gamma(a);
    // Wilson–Hilferty's cube-root normal approximation, or in the lower tail
    // of a small shape `P(a, x) ~ x^a / Γ(a + 1)`.
    let ninth = 1.0 / (9.0 * a);
    let cube = 1.0 - ninth + standard_normal_quantile(p) * ninth.sqrt();
    let mut t = if cube > 0.0 {
        (a * cube.powi(3)).ln()
    } else {
        (ln_target + ln_gamma(a + 1.0)) / a
    };
    if lower && a < 1.0 {
        t = t.min((ln_target + ln_gamma(a + 1.0)) / a);
    }
    let mut last_step = f64::INFINITY;
    for _ in 0..200 {
        let x = t.exp();
        let tail = if lower {
            gamma_lr(a, x)
        } else {
            gamma_ur(a, x)
        };
        if tail.is_nan() || tail <= 0.0 {
            // Out where the tail underflows: back towards the body.
            t += if lower { 2.0 } else { -2.0 };
            continue;
        }
        // d ln(tail) / d ln(x) = ± x pdf(x) / tail.
        let slope = (a * t - x - ln_gamma_a - tail.ln()).exp();
        let slope = if lower { slope } else { -slope };
        let step = ((tail.ln() - ln_target) / slope).clamp(-2.0, 2.0);
        if step.is_nan() {
            break;
        }
        t -= step;
        // Converged, or (once close) no longer shrinking: the steps are then
        // the rounding noise of the incomplete gamma function.
        if step.abs() <= 4.0 * f64::EPSILON || (step.abs() < 1e-9 && step.abs() >= last_step) {
            break;
        }
        last_step = step.abs();
    }
    t.exp()
}
