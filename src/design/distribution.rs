//! Probability distributions a random axis draws from, by their quantile
//! functions: a design's unit draw `u` becomes the value below which a
//! fraction `u` of the distribution lies, so that Latin hypercube and Sobol
//! designs stratify these axes as they stratify uniform ones.
//!
//! The special functions are `statrs`'s (the inverse error function, the
//! regularized incomplete beta and gamma functions) and `libm`'s `erfc`
//! (statrs's is good to about 1e-10 relative, which the truncated normal
//! would inherit). The beta and gamma quantiles are solved here, by Newton's
//! method in log coordinates inside a bisection bracket ([`solve_in_log`]):
//! statrs's own inverses stop early in the tails (gamma: 0.7 % off at
//! `u = 1 - 2^-52`), are 4e16 off for a beta shape of 0.1, and do not return
//! for a beta shape of 1e10. The quantiles are checked against exact ones
//! (mpmath) and scipy's `ppf` in `tests/suite/design.rs`
//! (`tests/data/quantiles_scipy.csv`).

use statrs::function::beta::{checked_beta_reg, ln_beta};
use statrs::function::erf;
use statrs::function::gamma::{checked_gamma_lr, checked_gamma_ur, ln_gamma};

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

/// The shapes of beta and gamma axes taken: where the quantiles are
/// checked against exact ones (`tests/data/quantiles_scipy.csv` and
/// `tests/suite/design.rs`). Beyond 10^6 the incomplete beta function's
/// continued fraction (140 terms) no longer converges; below 10^-4 the
/// beta quantile's relative error passes 10^-11.
const SHAPES: core::ops::RangeInclusive<f64> = 1e-4..=1e6;

impl Distribution {
    /// Whether the distribution's values are all positive (a draw of 0
    /// would leave its support).
    pub(crate) fn positive(&self) -> bool {
        matches!(
            self,
            Distribution::LogNormal { .. } | Distribution::Gamma { .. }
        )
    }
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
                        "truncated normal on [{lo}, {hi}] holds less of the normal's probability than f64 resolves (2.2e-308): the bounds are about 37.5 sd or more from the mean {mean} on the same side"
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
                } else if !(SHAPES.contains(&a) && SHAPES.contains(&b)) {
                    Err(format!(
                        "beta shapes are taken from {:e} to {:e} (where its quantiles are checked), got a {a} and b {b}",
                        SHAPES.start(),
                        SHAPES.end()
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
                if !(finite(&[shape, scale]) && shape > 0.0 && scale > 0.0) {
                    Err(format!(
                        "gamma needs a finite shape > 0 and a finite scale > 0, got shape {shape} and scale {scale}"
                    ))
                } else if shape > *SHAPES.end() {
                    Err(format!(
                        "gamma shapes are taken up to {:e} (where its quantiles are checked), got {shape}: at this shape it is close to normal(shape * scale, sqrt(shape) * scale)",
                        SHAPES.end()
                    ))
                } else {
                    Ok(())
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
                let x = beta_quantile(a, b, u);
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
    // Below the smallest normal f64 the probabilities inside the interval
    // lose their precision: every quantile would be a bound.
    (mass >= f64::MIN_POSITIVE).then_some((alpha, beta, mass))
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

/// The `s` in `(lowest, highest)` where `ln tail(s)` reaches `ln_target`,
/// `tail` increasing in `s` (`rising`) or decreasing: Newton's method from
/// `s`, kept inside a bracket that bisection shrinks whenever a step would
/// leave it (or the tail cannot be computed there). `slope(s, tail)` is
/// `d ln(tail) / ds`. The callers' `s` is the logarithm of the quantile or
/// of its distance to 1, in which the tails of the gamma and beta
/// distributions are smooth and monotonic and relative precision holds. At
/// most 300 evaluations; the steps stop once they reach the tail's
/// rounding noise.
fn solve_in_log(
    mut s: f64,
    (mut lowest, mut highest): (f64, f64),
    ln_target: f64,
    rising: bool,
    tail: impl Fn(f64) -> Option<f64>,
    slope: impl Fn(f64, f64) -> f64,
) -> f64 {
    let mut last_step = f64::INFINITY;
    for _ in 0..300 {
        s = s.clamp(lowest, highest);
        let Some(value) = tail(s).filter(|v| *v > 0.0) else {
            // Where the tail underflows or cannot be computed: shrink towards
            // the body, and bisect.
            if rising {
                lowest = s
            } else {
                highest = s
            }
            s = 0.5 * (lowest + highest);
            continue;
        };
        let error = value.ln() - ln_target;
        if error == 0.0 {
            return s;
        }
        // The tail is above the target: the root is below s if rising.
        if (error > 0.0) == rising {
            highest = s
        } else {
            lowest = s
        }
        let step = error / slope(s, value);
        let next = s - step;
        let step = if step.is_finite() && next >= lowest && next <= highest {
            s = next;
            step.abs()
        } else {
            let middle = 0.5 * (lowest + highest);
            let bisected = (middle - s).abs();
            s = middle;
            bisected
        };
        let resolution = 4.0 * f64::EPSILON * s.abs().max(1.0);
        if step <= resolution
            || (step < 1e-9 && step >= last_step)
            || highest - lowest <= resolution
        {
            break;
        }
        last_step = step;
    }
    s
}

/// `ln` of the smallest positive `f64`, a subnormal: below it every
/// quantile is 0.
const LN_SMALLEST: f64 = -744.4;

/// The `p`-quantile of the gamma distribution with shape `a` and scale 1:
/// the `x` with `P(a, x) = p` (`p <= 1/2`) or `Q(a, x) = 1 - p` (above; `1 -
/// p` is exact there). 0 where the quantile is below the smallest positive
/// `f64` (a shape so small that the distribution sits below it: `check`
/// rejects such axes).
fn gamma_quantile(a: f64, p: f64) -> f64 {
    let lower = p <= 0.5;
    let target = if lower { p } else { 1.0 - p };
    let ln_gamma_a = ln_gamma(a);
    // Wilson–Hilferty's cube-root normal approximation, or in the lower tail
    // of a small shape `P(a, x) ~ x^a / Γ(a + 1)`.
    let ninth = 1.0 / (9.0 * a);
    let cube = 1.0 - ninth + standard_normal_quantile(p) * ninth.sqrt();
    let small = (target.ln() + ln_gamma(a + 1.0)) / a;
    let mut start = if cube > 0.0 {
        (a * cube.powi(3)).ln()
    } else {
        small
    };
    if lower && a < 1.0 {
        start = start.min(small);
    }
    if lower && small < LN_SMALLEST {
        return 0.0;
    }
    // s = ln x; d ln(tail) / ds = ± x pdf(x) / tail.
    let tail = |s: f64| match lower {
        true => checked_gamma_lr(a, s.exp()).ok(),
        false => checked_gamma_ur(a, s.exp()).ok(),
    };
    let slope = |s: f64, value: f64| {
        let d = (a * s - s.exp() - ln_gamma_a - value.ln()).exp();
        if lower { d } else { -d }
    };
    solve_in_log(start, (LN_SMALLEST, 710.0), target.ln(), lower, tail, slope).exp()
}

/// The `p`-quantile of the beta distribution with shapes `a`, `b` on
/// `[0, 1]`: the `x` with `I_x(a, b) = p`. The unknown is the smaller of `x`
/// and `1 - x` (`x <= 1/2` exactly when `p <= I_(1/2)(a, b)`; `1 - x` is the
/// `(1 - p)`-quantile of beta(b, a)), found in relative precision by
/// [`beta_small_quantile`]; `1 - y` is only ever taken of a `y <= 1/2`.
fn beta_quantile(a: f64, b: f64, p: f64) -> f64 {
    if checked_beta_reg(a, b, 0.5).is_ok_and(|half| p <= half) {
        beta_small_quantile(a, b, p)
    } else {
        1.0 - beta_small_quantile(b, a, 1.0 - p)
    }
}

/// The `p`-quantile `v <= 1/2` of beta(a, b), solved in `s = ln v`. The
/// equation is in the smaller of the two tail probabilities, so that its
/// logarithm is well conditioned: `I_v(a, b) = p`, or `I_(1-v)(b, a) = 1 -
/// p` when `p > 1/2`. The upper tail is computed from `1 - v`, which holds
/// `v` only to `ε / v` relative: below `v = 10^-3` (a shape near 0) the
/// lower tail decides, its flatness near 1 costing relative precision `ε / a`.
fn beta_small_quantile(a: f64, b: f64, p: f64) -> f64 {
    let ln_b = ln_beta(a, b);
    let bracket = (LN_SMALLEST, 0.5f64.ln() + 1e-9);
    // Near 0, I_v(a, b) ~ v^a / (a B(a, b)).
    let start = ((p.ln() + a.ln() + ln_b) / a).min(bracket.1);
    if start < LN_SMALLEST {
        return 0.0;
    }
    // v pdf(v) = v^a (1 - v)^(b - 1) / B(a, b): d ln(tail)/ds = ± v pdf / tail.
    let v_pdf = |s: f64| (a * s + (b - 1.0) * (-s.exp()).ln_1p() - ln_b).exp();
    let lower = |start: f64| {
        let tail = |s: f64| checked_beta_reg(a, b, s.exp()).ok();
        let slope = |s: f64, value: f64| v_pdf(s) / value;
        solve_in_log(start, bracket, p.ln(), true, tail, slope)
    };
    if p <= 0.5 {
        return lower(start).exp();
    }
    let tail = |s: f64| checked_beta_reg(b, a, -s.exp_m1()).ok();
    let slope = |s: f64, value: f64| -v_pdf(s) / value;
    let s = solve_in_log(start, bracket, (1.0 - p).ln(), false, tail, slope);
    if s > (1e-3f64).ln() {
        s.exp()
    } else {
        lower(s).exp()
    }
}
