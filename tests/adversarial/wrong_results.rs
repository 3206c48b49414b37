//! Wrong results: values that differed from what the docs promise (numpy's
//! linspace, draws in `[lo, hi)`, all 64 bits of a seed), checked against
//! numpy's own numbers where there are any.

use crate::common::*;
use dataspace::prelude::*;
use dataspace::{Axis, DesignError, Sampler};

/// Rows of `tests/data/linspace.csv` (made by `tests/data/make_linspace.py`).
struct Row {
    log: bool,
    f32: bool,
    lo: f64,
    hi: f64,
    n: usize,
    k: usize,
    bits: u64,
}

fn numpy_rows() -> Vec<Row> {
    let text = include_str!("../data/linspace.csv");
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            Row {
                log: f[0] == "log",
                f32: f[1] == "f32",
                lo: f[2].parse().unwrap(),
                hi: f[3].parse().unwrap(),
                n: f[4].parse().unwrap(),
                k: f[5].parse().unwrap(),
                bits: u64::from_str_radix(f[6], 16).unwrap(),
            }
        })
        .collect()
}

#[derive(DataSpace, Clone, Debug, PartialEq)]
struct Wide {
    x: f64,
}

/// Value `k` of an `f64` axis, read through a design.
fn nth_f64(axis: Axis<f64>, k: usize) -> f64 {
    WideDesign::zip(WideAxes { x: axis })
        .unwrap()
        .get(k)
        .unwrap()
        .x
}

/// Value `k` of an `f32` axis, read through a design.
fn nth_f32(axis: Axis<f32>, k: usize) -> f32 {
    OneDesign::zip(OneAxes { x: axis })
        .unwrap()
        .get(k)
        .unwrap()
        .x
}

#[test]
fn linspace_equals_numpy_bit_for_bit() {
    let rows = numpy_rows();
    assert!(rows.len() > 2000);
    let mut checked = 0;
    for row in rows.iter().filter(|r| !r.log) {
        if row.f32 {
            let x = nth_f32(Axis::linspace(row.lo as f32, row.hi as f32, row.n), row.k);
            assert_eq!(
                x.to_bits() as u64,
                row.bits,
                "f32 linspace({}, {}, {})[{}]",
                row.lo,
                row.hi,
                row.n,
                row.k
            );
        } else {
            let x = nth_f64(Axis::linspace(row.lo, row.hi, row.n), row.k);
            assert_eq!(
                x.to_bits(),
                row.bits,
                "linspace({}, {}, {})[{}] = {x}",
                row.lo,
                row.hi,
                row.n,
                row.k
            );
        }
        checked += 1;
    }
    assert!(checked > 1900);
    // The case of the issue: 23 of these 256 values differed.
    assert_eq!(
        nth_f64(Axis::linspace(-6.0, -3.0, 256), 1),
        3.0 / 255.0 - 6.0
    );
    assert_eq!(nth_f64(Axis::linspace(2.0, 5.0, 1), 0), 2.0);
}

#[test]
fn logspace_equals_numpy_to_the_last_bit_of_pow() {
    for row in numpy_rows().iter().filter(|r| r.log) {
        let (x, expected, ulp) = if row.f32 {
            let x = nth_f32(Axis::logspace(row.lo, row.hi, row.n), row.k);
            let e = f32::from_bits(row.bits as u32);
            (x as f64, e as f64, (e.next_up() - e) as f64)
        } else {
            let x = nth_f64(Axis::logspace(row.lo, row.hi, row.n), row.k);
            let e = f64::from_bits(row.bits);
            (x, e, e.next_up() - e)
        };
        // pow is the platform's, not numpy's: at most one unit in the last place.
        assert!(
            (x - expected).abs() <= ulp,
            "logspace({}, {}, {})[{}]: {x} vs {expected}",
            row.lo,
            row.hi,
            row.n,
            row.k
        );
    }
    assert_eq!(nth_f64(Axis::logspace(5.0, 7.0, 1), 0), 1e5);
}

#[test]
fn every_sampler_uses_all_64_bits_of_the_seed() {
    for sampler in [Sampler::Uniform, Sampler::LatinHypercube, Sampler::Sobol] {
        let draws = |seed: u64| {
            let design = OneDesign::random(
                64,
                sampler,
                seed,
                OneAxes {
                    x: Axis::uniform(0.0, 1.0),
                },
            )
            .unwrap();
            design.iter().map(|p| p.x).collect::<Vec<_>>()
        };
        assert_ne!(draws(1), draws(1 + (1 << 32)), "{sampler:?}");
        assert_ne!(draws(7), draws(7 ^ (1 << 63)), "{sampler:?}");
        assert_eq!(draws(1 + (1 << 32)), draws(1 + (1 << 32)), "{sampler:?}");
    }
}

#[test]
fn uniform_draws_never_reach_hi_and_integers_are_even() {
    // f32 bounds where lo + (hi - lo) u rounds up to hi for half the draws.
    let design = OneDesign::random(
        1000,
        Sampler::Uniform,
        1,
        OneAxes {
            x: Axis::uniform(16_777_216.0, 16_777_218.0),
        },
    )
    .unwrap();
    assert!(design.iter().all(|p| p.x < 16_777_218.0));
    assert!(design.iter().any(|p| p.x == 16_777_217.0));

    #[derive(DataSpace, Clone, Debug, PartialEq)]
    struct Int {
        n: i32,
    }
    for sampler in [Sampler::Uniform, Sampler::LatinHypercube] {
        let design = IntDesign::random(
            10_000,
            sampler,
            1,
            IntAxes {
                n: Axis::uniform(0, 2),
            },
        )
        .unwrap();
        let mut counts = [0usize; 3];
        for p in design.iter() {
            counts[p.n as usize] += 1;
        }
        assert_eq!(counts[2], 0, "{sampler:?}: hi is never drawn");
        assert!(
            counts[0].abs_diff(5000) < 200 && counts[1].abs_diff(5000) < 200,
            "{sampler:?}: {counts:?}"
        );
    }
}

#[test]
fn axes_that_describe_no_values_are_errors() {
    #[derive(DataSpace, Clone, Debug, PartialEq)]
    struct Int {
        n: i32,
    }
    let bad_grid = [
        Axis::<f32>::linspace(f32::NAN, 1.0, 3),
        Axis::<f32>::linspace(0.0, f32::INFINITY, 3),
        Axis::<f32>::logspace(0.0, 40.0, 3), // 1e40 is not an f32
        Axis::<f32>::logspace(0.0, 400.0, 3),
    ];
    for axis in bad_grid {
        let error = OneDesign::product(OneAxes { x: axis }).err().unwrap();
        assert!(
            matches!(error, DesignError::InvalidAxis { field: "x", .. }),
            "{error}"
        );
    }
    let error = IntDesign::product(IntAxes {
        n: Axis::logspace(0.0, 12.0, 13),
    })
    .err()
    .unwrap();
    assert!(
        error.to_string().starts_with("axis `n`: logspace"),
        "{error}"
    );
    for axis in [Axis::<i32>::uniform(5, 3), Axis::<i32>::uniform(3, 3)] {
        let error = IntDesign::random(10, Sampler::Uniform, 0, IntAxes { n: axis })
            .err()
            .unwrap();
        assert!(matches!(error, DesignError::InvalidAxis { .. }), "{error}");
    }
    let error = OneDesign::random(
        10,
        Sampler::Sobol,
        0,
        OneAxes {
            x: Axis::uniform(f32::NAN, 1.0),
        },
    )
    .err()
    .unwrap();
    assert!(matches!(error, DesignError::InvalidAxis { .. }));
    // Explicit values are the user's: NaN among them is allowed.
    assert!(
        OneDesign::product(OneAxes {
            x: Axis::values([f32::NAN])
        })
        .is_ok()
    );
}

#[test]
fn sobol_limits_concern_random_fields_only() {
    let design = OneDesign::random(
        100_000,
        Sampler::Sobol,
        0,
        OneAxes {
            x: Axis::value(1.5),
        },
    )
    .unwrap();
    assert_eq!(design.len(), 100_000);
    assert_eq!(design.get(99_999).unwrap().x, 1.5);
}

#[test]
fn an_empty_axis_empties_a_product_whatever_the_other_lengths() {
    let huge = || Axis::linspace(0.0, 1.0, usize::MAX);
    let design = GridDesign::product(GridAxes {
        a: Axis::values(vec![]),
        b: huge(),
        c: huge(),
    })
    .unwrap();
    assert_eq!(design.len(), 0);
    assert!(design.get(0).is_none());
    let design = GridDesign::product(GridAxes {
        a: huge(),
        b: huge(),
        c: Axis::values(vec![]),
    })
    .unwrap();
    assert_eq!(design.len(), 0);
    assert!(matches!(
        GridDesign::product(GridAxes {
            a: huge(),
            b: huge(),
            c: huge()
        }),
        Err(DesignError::TooManyPoints)
    ));
}

#[test]
fn a_linspace_spanning_more_than_f64_holds_is_an_error() {
    let error = WideDesign::product(WideAxes {
        x: Axis::linspace(-f64::MAX, f64::MAX, 3),
    })
    .err()
    .unwrap();
    assert!(
        matches!(error, DesignError::InvalidAxis { field: "x", .. }),
        "{error}"
    );
}
