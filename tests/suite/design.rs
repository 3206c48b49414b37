//! Designs: product order, zip and group semantics, random designs that do
//! not depend on threads, lazy access to huge designs, slices.

use dataspace::prelude::*;
use dataspace::{Axis, DesignError, RangeError, Sampler, StrideError};

#[derive(DataSpace, Clone, Debug, PartialEq)]
struct Sweep {
    eta: f32,
    j: f32,
    k: i32,
    #[space(fixed)]
    dt: f32,
}

fn axes(eta: Axis<f32>, j: Axis<f32>, k: Axis<i32>) -> SweepAxes {
    SweepAxes {
        eta,
        j,
        k,
        dt: 0.01,
    }
}

fn points(space: &impl Space<Point = Sweep>) -> Vec<(f32, f32, i32)> {
    space.iter().map(|p| (p.eta, p.j, p.k)).collect()
}

#[test]
fn product_is_c_order_with_the_last_declared_field_fastest() {
    let design = SweepDesign::product(axes(
        Axis::values([1.0, 2.0]),
        Axis::values([10.0, 20.0, 30.0]),
        Axis::value(7),
    ))
    .unwrap();
    assert_eq!(design.len(), 6);
    assert_eq!(
        points(&design),
        [
            (1.0, 10.0, 7),
            (1.0, 20.0, 7),
            (1.0, 30.0, 7),
            (2.0, 10.0, 7),
            (2.0, 20.0, 7),
            (2.0, 30.0, 7)
        ]
    );
    assert_eq!(design.get(4).unwrap().dt, 0.01);
    assert_eq!(design.get(6), None);
}

#[test]
fn zip_is_lock_step_and_unequal_lengths_are_an_error_not_a_truncation() {
    let design = SweepDesign::zip(axes(
        Axis::linspace(0.0, 1.0, 3),
        Axis::values([5.0, 6.0, 7.0]),
        Axis::values([1, 2, 3]),
    ))
    .unwrap();
    assert_eq!(
        points(&design),
        [(0.0, 5.0, 1), (0.5, 6.0, 2), (1.0, 7.0, 3)]
    );

    let error = SweepDesign::zip(axes(
        Axis::values([1.0, 2.0, 3.0]),
        Axis::values([1.0, 2.0]),
        Axis::value(0),
    ))
    .err()
    .unwrap();
    assert_eq!(
        error,
        DesignError::ZipLengths {
            field: "j",
            len: 2,
            expected: 3,
            expected_from: "eta"
        }
    );
    assert_eq!(
        error.to_string(),
        "zipped axes must have equal lengths: `j` has 2 values but `eta` has 3"
    );
}

#[test]
fn groups_zip_inside_and_multiply_across() {
    let design = SweepDesign::groups(
        axes(
            Axis::values([1.0, 2.0]),
            Axis::values([10.0, 20.0]),
            Axis::values([7, 8, 9]),
        ),
        &[&["k"], &["eta", "j"]],
    )
    .unwrap();
    assert_eq!(
        points(&design),
        [
            (1.0, 10.0, 7),
            (2.0, 20.0, 7),
            (1.0, 10.0, 8),
            (2.0, 20.0, 8),
            (1.0, 10.0, 9),
            (2.0, 20.0, 9)
        ]
    );
    let a = || axes(Axis::value(1.0), Axis::value(1.0), Axis::value(1));
    assert_eq!(
        SweepDesign::groups(a(), &[&["eta", "x"]]).err(),
        Some(DesignError::UnknownField { field: "x".into() })
    );
    assert_eq!(
        SweepDesign::groups(a(), &[&["eta"], &["eta", "j", "k"]]).err(),
        Some(DesignError::DuplicateField { field: "eta" })
    );
    assert_eq!(
        SweepDesign::groups(a(), &[&["eta", "j"]]).err(),
        Some(DesignError::MissingField { field: "k" })
    );
    assert_eq!(SweepDesign::FIELDS, ["eta", "j", "k"]);
}

#[test]
fn random_axes_in_a_grid_and_bad_values_in_a_random_design_are_errors() {
    let error = SweepDesign::product(axes(
        Axis::uniform(0.0, 1.0),
        Axis::value(1.0),
        Axis::value(1),
    ))
    .err();
    assert_eq!(error, Some(DesignError::RandomAxisInGrid { field: "eta" }));
    let error = SweepDesign::random(
        10,
        Sampler::Uniform,
        1,
        axes(
            Axis::uniform(0.0, 1.0),
            Axis::values([1.0, 2.0]),
            Axis::value(1),
        ),
    )
    .err();
    assert_eq!(
        error,
        Some(DesignError::ValuesInRandomDesign {
            field: "j",
            len: 2,
            points: 10
        })
    );
}

#[test]
fn get_of_a_design_equals_the_materialised_space() {
    let design = SweepDesign::product(axes(
        Axis::linspace(-6.0, -3.0, 17),
        Axis::logspace(0.0, 1.5, 13),
        Axis::linspace(-5, 5, 11),
    ))
    .unwrap();
    let space = design.to_space().unwrap();
    assert_eq!(space.len(), 17 * 13 * 11);
    let mut i = 12345usize;
    for _ in 0..200 {
        i = (i * 7919 + 17) % space.len();
        assert_eq!(design.get(i), space.get(i), "point {i}");
    }
    assert_eq!(
        design.iter().collect::<Vec<_>>(),
        space.iter().collect::<Vec<_>>()
    );
}

#[test]
fn packs_of_a_design_equal_packs_of_its_materialised_space() {
    let design = SweepDesign::product(axes(
        Axis::linspace(-6.0, -3.0, 5),
        Axis::linspace(10.0, 20.0, 7),
        Axis::values([1, 2]),
    ))
    .unwrap(); // 70 points: a tail pack at V = 8 and 16
    let space = design.to_space().unwrap();
    for n_pmap in [1, 3] {
        let options = CollectOptions { n_pmap, fill: -1.0 };
        let from_design = design.collect_with::<8>(options).unwrap();
        let from_space = space.collect_with::<8>(options).unwrap();
        assert_eq!(from_design.shape(), from_space.shape());
        for (a, b) in from_design.iter().zip(from_space.iter()) {
            assert_eq!(a.valid(), b.valid());
            assert_eq!(a.eta.to_array(), b.eta.to_array());
            assert_eq!(a.j.to_array(), b.j.to_array());
            assert_eq!(a.k.to_array(), b.k.to_array());
            assert_eq!(*a.dt, 0.01);
        }
    }
}

#[test]
fn a_billion_point_design_is_read_lazily() {
    let design = SweepDesign::product(axes(
        Axis::linspace(0.0, 1.0, 1000),
        Axis::linspace(0.0, 1.0, 1000),
        Axis::linspace(0, 999, 1000),
    ))
    .unwrap();
    assert_eq!(design.len(), 1_000_000_000);
    let last = design.get(999_999_999).unwrap();
    assert_eq!((last.eta, last.j, last.k), (1.0, 1.0, 999));
    // A range deep inside, iterated and run through the executor, in constant memory.
    let window = design.slice(500_000_000..500_000_100).unwrap();
    let ks: Vec<i32> = window.iter().map(|p| p.k).collect();
    assert_eq!(ks, (0..100).collect::<Vec<i32>>());
    let etas = Executor::parallel()
        .run::<16, _, _, _>(&window, |l: SweepLanes<'_, 16>| l.eta)
        .unwrap();
    assert_eq!(etas.len(), 100);
    assert!(
        etas.iter()
            .all(|&e| e == design.get(500_000_000).unwrap().eta)
    );
}

#[test]
fn random_designs_are_the_same_for_the_same_seed_whatever_the_threads() {
    for sampler in [Sampler::Uniform, Sampler::LatinHypercube, Sampler::Sobol] {
        let make = |seed| {
            SweepDesign::random(
                1001,
                sampler,
                seed,
                axes(
                    Axis::uniform(-6.0, -3.0),
                    Axis::uniform(10.0, 20.0),
                    Axis::value(3),
                ),
            )
            .unwrap()
        };
        let design = make(42);
        let reference: Vec<f32> = design.iter().map(|p| p.eta * 100.0 + p.j).collect();
        for executor in [
            Executor::sequential(),
            Executor::parallel().threads(3).unwrap().n_pmap(17),
        ] {
            let got = executor
                .run::<8, _, _, _>(&design, |l: SweepLanes<'_, 8>| {
                    l.eta * F32::<8>::splat(100.0) + l.j
                })
                .unwrap();
            assert_eq!(got, reference, "{sampler:?}");
        }
        assert_eq!(points(&make(42)), points(&design));
        assert_ne!(
            points(&make(43)),
            points(&design),
            "{sampler:?}: another seed, other points"
        );
        let p = design.get(500).unwrap();
        assert!((-6.0..-3.0).contains(&p.eta) && (10.0..20.0).contains(&p.j) && p.k == 3);
    }
}

#[test]
fn slices_are_spaces_of_their_points_and_stop_at_their_end() {
    let space = SweepDesign::product(axes(
        Axis::linspace(0.0, 9.0, 10),
        Axis::value(1.0),
        Axis::value(0),
    ))
    .unwrap()
    .to_space()
    .unwrap();
    let slice = space.slice(3..8).unwrap();
    assert_eq!(slice.len(), 5);
    assert_eq!(
        slice.iter().map(|p| p.eta).collect::<Vec<_>>(),
        [3.0, 4.0, 5.0, 6.0, 7.0]
    );
    // Packs of the slice hold its points only: lanes past its end are fill,
    // although the space has points there.
    let packs = slice
        .collect_with::<4>(CollectOptions {
            n_pmap: 1,
            fill: f64::NAN,
        })
        .unwrap();
    let lanes: Vec<[f32; 4]> = packs.iter().map(|l| l.eta.to_array()).collect();
    assert_eq!(lanes[0], [3.0, 4.0, 5.0, 6.0]);
    assert_eq!(lanes[1][0], 7.0);
    assert!(lanes[1][1..].iter().all(|x| x.is_nan()));
    let out = Executor::parallel()
        .run::<8, _, _, _>(&slice, |l: SweepLanes<'_, 8>| l.eta)
        .unwrap();
    assert_eq!(out, [3.0, 4.0, 5.0, 6.0, 7.0]);
    let inner = slice.slice(1..3).unwrap();
    assert_eq!(inner.iter().map(|p| p.eta).collect::<Vec<_>>(), [4.0, 5.0]);
    assert_eq!(
        space.slice(8..11).err(),
        Some(RangeError {
            start: 8,
            end: 11,
            len: 10
        })
    );
    assert!(space.slice(5..10).unwrap().get(5).is_none());
}

/// The distribution axes' quantiles (the value a design gives a point whose
/// unit draw is `u`) against the exact quantiles (mpmath, 60 digits) and
/// scipy's `ppf`, tails included (`tests/data/quantiles_scipy.py`): within
/// 1e-12 relative (beta: 1e-10), plus 1e-15 of the distribution's scale for values that
/// cancel to near 0 (a truncated normal next to its bound at 0). scipy
/// itself misses in four rows: `truncnorm` at `u = 1 - 2^-52` (4e-3 off;
/// its `isf` is off too), and `beta.ppf` where the quantile underflows to 0
/// (it gives 2.2e-308): there the exact value decides.
#[test]
fn distribution_axes_follow_exact_and_scipy_quantiles() {
    let text =
        std::fs::read_to_string(crate::common::mpr::data_path("quantiles_scipy.csv")).unwrap();
    let (mut rows, mut scipy_off) = (0, Vec::new());
    for line in text.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let number = |k: usize| cells[k].parse::<f64>().unwrap();
        let p = [number(1), number(2), number(3), number(4)];
        let (u, scipy, exact) = (number(5), number(6), number(7));
        let (axis, scale): (Axis<f64>, f64) = match cells[0] {
            "normal" => (Axis::normal(p[0], p[1]), p[0].abs() + p[1]),
            "lognormal" => (Axis::lognormal(p[0], p[1]), 0.0),
            "truncated_normal" => (
                Axis::truncated_normal(p[0], p[1], p[2], p[3]),
                p[0].abs() + p[1],
            ),
            "beta" => (Axis::beta(p[0], p[1], p[2], p[3]), p[2].abs()),
            "gamma" => (Axis::gamma(p[0], p[1]), 0.0),
            other => panic!("unknown distribution {other}"),
        };
        assert_eq!(axis.check(), Ok(()), "{line}");
        let got = axis.at(0, u);
        // Beta's quantiles inherit the accuracy of statrs's incomplete beta
        // function (about 1e-11 relative at shapes near 30).
        let relative = if cells[0] == "beta" { 1e-10 } else { 1e-12 };
        let close = |want: f64| (got - want).abs() <= relative * want.abs() + 1e-15 * scale;
        assert!(close(exact), "{line}: got {got:e}, exact {exact:e}");
        if !close(scipy) {
            scipy_off.push((cells[0], u));
        }
        rows += 1;
    }
    assert_eq!(rows, 352);
    // scipy's truncnorm far in the upper tail, and its beta.ppf giving the
    // smallest normal f64 where the quantile underflows to 0 (beta(0.01, 0.05)).
    assert_eq!(
        scipy_off,
        [
            ("truncated_normal", 1.0 - f64::EPSILON),
            ("beta", 2f64.powi(-53)),
            ("beta", 1e-12),
            ("beta", 1e-6)
        ]
    );
}

#[derive(DataSpace, Clone, Debug, PartialEq)]
struct Priors {
    g: f64,
    tau: f32,
    p: f64,
    k: f64,
}

fn priors() -> PriorsAxes {
    PriorsAxes {
        g: Axis::truncated_normal(0.2, 0.5, 0.0, f64::INFINITY),
        tau: Axis::lognormal(2.0, 1.0),
        p: Axis::beta(0.5, 0.5, 10.0, 20.0),
        k: Axis::gamma(0.3, 2.0),
    }
}

#[test]
fn latin_hypercube_and_sobol_stratify_distribution_axes() {
    // n points: sorted, value i lies in the stratum [q(i/n), q((i+1)/n)].
    for (sampler, n) in [(Sampler::LatinHypercube, 997), (Sampler::Sobol, 1024)] {
        let design = PriorsDesign::random(n, sampler, 11, priors()).unwrap();
        let axes = priors();
        let points: Vec<Priors> = design.iter().collect();
        let check = |mut values: Vec<f64>, quantile: &dyn Fn(f64) -> f64, name: &str| {
            values.sort_by(f64::total_cmp);
            for (i, &v) in values.iter().enumerate() {
                let (lo, hi) = (
                    quantile(i as f64 / n as f64),
                    quantile((i + 1) as f64 / n as f64),
                );
                let slack = 1e-6 * (lo.abs() + hi.abs()); // tau is f32
                assert!(
                    lo - slack <= v && v <= hi + slack,
                    "{sampler:?} {name}: value {i} = {v} outside [{lo}, {hi}]"
                );
            }
        };
        let top = |q: f64| q.min(1.0 - f64::EPSILON / 2.0);
        check(
            points.iter().map(|p| p.g).collect(),
            &|q| axes.g.at(0, top(q)),
            "g",
        );
        check(
            points.iter().map(|p| f64::from(p.tau)).collect(),
            &|q| f64::from(axes.tau.at(0, top(q))),
            "tau",
        );
        check(
            points.iter().map(|p| p.p).collect(),
            &|q| axes.p.at(0, top(q)),
            "p",
        );
        check(
            points.iter().map(|p| p.k).collect(),
            &|q| axes.k.at(0, top(q)),
            "k",
        );
        assert!(
            points
                .iter()
                .all(|p| p.g >= 0.0 && (10.0..=20.0).contains(&p.p))
        );
    }
}

#[test]
fn distribution_axes_give_the_same_points_at_every_width_and_thread_count() {
    let design = PriorsDesign::random(1000, Sampler::Uniform, 5, priors()).unwrap();
    let space = design.to_space().unwrap();
    let get: Vec<Priors> = (0..design.len()).map(|i| design.get(i).unwrap()).collect();
    let stored: Vec<Priors> = space.iter().collect();
    assert_eq!(get, stored);
    // Through packs, sequential and parallel: the kernel returns g + p + k + tau.
    fn sum<const V: usize>(p: PriorsLanes<'_, V>) -> F64<V>
    where
        f64: Float<V>,
        f32: Packable<V>,
    {
        let tau = F64::<V>::from_array(core::array::from_fn(|k| f64::from(p.tau.to_array()[k])));
        p.g + p.p + p.k + tau
    }
    let want: Vec<f64> = stored
        .iter()
        .map(|p| p.g + p.p + p.k + f64::from(p.tau))
        .collect();
    assert_eq!(Executor::sequential().run(&design, sum::<4>).unwrap(), want);
    assert_eq!(Executor::parallel().run(&design, sum::<8>).unwrap(), want);
    let three = Executor::parallel().threads(3).unwrap();
    assert_eq!(three.run(&design, sum::<16>).unwrap(), want);
    // N = 0 and N = 1.
    assert_eq!(
        PriorsDesign::random(0, Sampler::Sobol, 5, priors())
            .unwrap()
            .len(),
        0
    );
    let one = PriorsDesign::random(1, Sampler::LatinHypercube, 5, priors()).unwrap();
    assert!(one.get(0).unwrap().k > 0.0 && one.get(1).is_none());
}

#[test]
fn bad_distribution_axes_are_errors_naming_the_field() {
    let with = |axes: PriorsAxes| PriorsDesign::random(10, Sampler::Uniform, 1, axes).err();
    let cases: [(PriorsAxes, &str, &str); 9] = [
        (
            PriorsAxes {
                tau: Axis::lognormal(80.0, 2.0),
                ..priors()
            },
            "tau",
            "beyond the field's type",
        ),
        (
            PriorsAxes {
                g: Axis::normal(0.0, 1e308),
                ..priors()
            },
            "g",
            "beyond the field's type",
        ),
        (
            PriorsAxes {
                g: Axis::normal(0.0, 0.0),
                ..priors()
            },
            "g",
            "sd > 0",
        ),
        (
            PriorsAxes {
                g: Axis::normal(f64::NAN, 1.0),
                ..priors()
            },
            "g",
            "finite mean",
        ),
        (
            PriorsAxes {
                g: Axis::truncated_normal(0.0, 1.0, 2.0, 1.0),
                ..priors()
            },
            "g",
            "lo < hi",
        ),
        (
            PriorsAxes {
                g: Axis::truncated_normal(0.0, 1.0, 50.0, 60.0),
                ..priors()
            },
            "g",
            "less of the normal's probability",
        ),
        (
            PriorsAxes {
                tau: Axis::lognormal(0.0, -1.0),
                ..priors()
            },
            "tau",
            "sigma > 0",
        ),
        (
            PriorsAxes {
                p: Axis::beta(0.0, 1.0, 0.0, 1.0),
                ..priors()
            },
            "p",
            "a > 0",
        ),
        (
            PriorsAxes {
                k: Axis::gamma(1.0, f64::INFINITY),
                ..priors()
            },
            "k",
            "scale > 0",
        ),
    ];
    for (axes, field, words) in cases {
        match with(axes) {
            Some(DesignError::InvalidAxis { field: f, reason }) => {
                assert_eq!(f, field);
                assert!(reason.contains(words), "{reason}");
            }
            other => panic!("{field}: {other:?}"),
        }
    }
    // Integer fields take no distribution axis; grids take none either.
    let error = SweepDesign::random(
        10,
        Sampler::Uniform,
        1,
        axes(
            Axis::uniform(0.0, 1.0),
            Axis::value(1.0),
            Axis::normal(3, 1),
        ),
    )
    .err();
    match error {
        Some(DesignError::InvalidAxis { field: "k", reason }) => {
            assert!(reason.contains("float field"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    let error = PriorsDesign::product(priors()).err();
    assert_eq!(error, Some(DesignError::RandomAxisInGrid { field: "g" }));
    assert_eq!(
        format!("{:?}", Axis::<f64>::gamma(2.0, 3.0)),
        "Gamma { shape: 2.0, scale: 3.0 }"
    );
}

#[test]
fn draws_are_a_grid_axis_equal_to_a_one_field_random_design() {
    #[derive(DataSpace, Clone, Debug, PartialEq)]
    struct One {
        x: f64,
    }
    for sampler in [Sampler::Uniform, Sampler::LatinHypercube, Sampler::Sobol] {
        for source in [Axis::uniform(-1.0, 3.0), Axis::gamma(2.0, 1.5)] {
            let random = OneDesign::random(37, sampler, 9, OneAxes { x: source.clone() }).unwrap();
            let want: Vec<f64> = random.iter().map(|p| p.x).collect();
            let grid = OneDesign::product(OneAxes {
                x: source.draws(37, sampler, 9),
            })
            .unwrap();
            let got: Vec<f64> = grid.iter().map(|p| p.x).collect();
            assert_eq!(got, want, "{sampler:?}");
        }
    }
    // In a product, every eta meets the same draws; zipped, one each.
    let draws = || Axis::normal(0.5f32, 0.1).draws(5, Sampler::LatinHypercube, 42);
    let product =
        SweepDesign::product(axes(Axis::linspace(-6.0, -3.0, 3), draws(), Axis::value(1))).unwrap();
    assert_eq!(product.len(), 15);
    let js: Vec<f32> = product.iter().map(|p| p.j).collect();
    assert_eq!(js[..5], js[5..10]);
    assert_eq!(js[..5], js[10..]);
    let mut sorted = js[..5].to_vec();
    sorted.sort_by(f32::total_cmp);
    // One value in each fifth of N(0.5, 0.1): the quintiles are 0.5 +- 0.0253, +- 0.0842.
    let quintiles = [0.5 - 0.0842, 0.5 - 0.0253, 0.5 + 0.0253, 0.5 + 0.0842];
    for (k, &v) in sorted.iter().enumerate() {
        assert!(k == 0 || v >= quintiles[k - 1], "{sorted:?}");
        assert!(k == 4 || v <= quintiles[k], "{sorted:?}");
    }
    let zipped = SweepDesign::zip(axes(
        Axis::linspace(-6.0, -3.0, 5),
        draws(),
        Axis::linspace(1, 5, 5),
    ))
    .unwrap();
    assert_eq!(zipped.iter().map(|p| p.j).collect::<Vec<_>>(), js[..5]);
    // Lazy: a trillion draws cost nothing until read.
    let huge = SweepDesign::product(axes(
        Axis::uniform(0.0, 1.0).draws(1_000_000_000_000, Sampler::Uniform, 3),
        Axis::value(1.0),
        Axis::value(1),
    ))
    .unwrap();
    assert_eq!(huge.len(), 1_000_000_000_000);
    let last = huge.get(999_999_999_999).unwrap();
    assert!((0.0..1.0).contains(&last.eta));
    // N = 0.
    let empty = SweepDesign::product(axes(
        Axis::uniform(0.0, 1.0).draws(0, Sampler::Uniform, 3),
        Axis::value(1.0),
        Axis::value(1),
    ))
    .unwrap();
    assert!(empty.is_empty());
    assert_eq!(
        format!(
            "{:?}",
            Axis::uniform(0.0f32, 2.0).draws(4, Sampler::Sobol, 7)
        ),
        "Draws { from: Uniform { lo: 0.0, hi: 2.0 }, n: 4, sampler: Sobol, seed: 7 }"
    );
}

#[test]
fn draws_of_a_grid_or_bad_axis_are_errors_naming_the_field() {
    let design =
        |eta: Axis<f32>| SweepDesign::product(axes(eta, Axis::value(1.0), Axis::value(1))).err();
    let reason = |error: Option<DesignError>| match error {
        Some(DesignError::InvalidAxis {
            field: "eta",
            reason,
        }) => reason,
        other => panic!("{other:?}"),
    };
    let text = reason(design(Axis::linspace(0.0, 1.0, 3).draws(
        4,
        Sampler::Uniform,
        1,
    )));
    assert!(
        text.contains("needs a random axis") && text.contains("linspace"),
        "{text}"
    );
    let text = reason(design(Axis::uniform(0.0, 1.0).draws(
        70_000,
        Sampler::Sobol,
        1,
    )));
    assert!(text.contains("65,536"), "{text}");
    let text = reason(design(Axis::uniform(1.0, 0.0).draws(
        4,
        Sampler::Uniform,
        1,
    )));
    assert!(text.contains("lo < hi"), "{text}");
    let twice = Axis::uniform(0.0, 1.0)
        .draws(4, Sampler::Uniform, 1)
        .draws(2, Sampler::Uniform, 1);
    assert!(reason(design(twice)).contains("got draws"));
}

#[test]
fn a_broadcast_axis_fills_every_element_of_an_array_field() {
    #[derive(DataSpace, Clone, Debug, PartialEq)]
    struct Net {
        g: f32,
        tau: [f64; 3],
    }
    let grid = NetDesign::product(NetAxes {
        g: Axis::values([0.5, 1.0]),
        tau: Axis::linspace(10.0, 30.0, 3).broadcast(),
    })
    .unwrap();
    let taus: Vec<[f64; 3]> = grid.iter().map(|p| p.tau).collect();
    assert_eq!(
        taus,
        [
            [10.0; 3], [20.0; 3], [30.0; 3], [10.0; 3], [20.0; 3], [30.0; 3]
        ]
    );
    let zipped = NetDesign::zip(NetAxes {
        g: Axis::values([0.5, 1.0]),
        tau: Axis::values([1.0, 2.0]).broadcast(),
    })
    .unwrap();
    assert_eq!(
        zipped.get(1),
        Some(Net {
            g: 1.0,
            tau: [2.0; 3]
        })
    );
    for tau in [
        Axis::uniform(5.0, 6.0).broadcast(),
        Axis::gamma(2.0, 1.0).broadcast(),
        Axis::normal(0.0, 1.0)
            .draws(40, Sampler::Sobol, 1)
            .broadcast(),
    ] {
        let random = NetDesign::random(
            40,
            Sampler::LatinHypercube,
            3,
            NetAxes {
                g: Axis::uniform(0.0, 1.0),
                tau,
            },
        )
        .unwrap();
        let points: Vec<Net> = random.iter().collect();
        assert!(
            points
                .iter()
                .all(|p| p.tau[0] == p.tau[1] && p.tau[1] == p.tau[2])
        );
        let distinct: std::collections::BTreeSet<u64> =
            points.iter().map(|p| p.tau[0].to_bits()).collect();
        assert_eq!(distinct.len(), 40); // one draw per point
        // Packs agree with get: the first tau element, summed with g.
        fn first<const V: usize>(p: NetLanes<'_, V>) -> F64<V>
        where
            f64: Float<V>,
            f32: Packable<V>,
        {
            p.tau[0] + p.tau[2]
        }
        let want: Vec<f64> = points.iter().map(|p| p.tau[0] + p.tau[2]).collect();
        assert_eq!(Executor::parallel().run(&random, first::<8>).unwrap(), want);
    }
    let ten = |tau: Axis<[f64; 3]>| {
        NetDesign::random(
            10,
            Sampler::Uniform,
            1,
            NetAxes {
                g: Axis::uniform(0.0, 1.0),
                tau,
            },
        )
    };
    let uniform_in = ten(Axis::uniform(5.0, 6.0).broadcast()).unwrap();
    assert!(uniform_in.iter().all(|p| (5.0..6.0).contains(&p.tau[1])));
    let error = ten(Axis::uniform(6.0, 5.0).broadcast()).err();
    assert!(
        matches!(error, Some(DesignError::InvalidAxis { field: "tau", .. })),
        "{error:?}"
    );
}

#[test]
fn a_design_prints_how_its_points_are_made_without_computing_them() {
    let show = |design: SweepDesign| design.to_string();
    let grid = show(
        SweepDesign::groups(
            axes(
                Axis::linspace(-6.0, -3.0, 4),
                Axis::values([10.0, 15.0]),
                Axis::values([1, 2]),
            ),
            &[&["j", "k"], &["eta"]],
        )
        .unwrap(),
    );
    assert_eq!(
        grid,
        "SweepDesign: 8 points, product of (j, k) (2) x eta (4)\n  \
         eta  f32  Linspace { lo: -6.0, hi: -3.0, n: 4 }\n  \
         j    f32  Values([10.0, 15.0])\n  \
         k    i32  Values([1, 2])\n  \
         dt   f32  fixed 0.01"
    );
    let zipped = show(
        SweepDesign::zip(axes(
            Axis::values([1.0, 2.0]),
            Axis::values([3.0, 4.0]),
            Axis::values([5, 6]),
        ))
        .unwrap(),
    );
    assert!(
        zipped.starts_with("SweepDesign: 2 points, zip of eta, j, k (2)\n"),
        "{zipped}"
    );
    let one = show(
        SweepDesign::product(axes(Axis::value(1.0), Axis::value(2.0), Axis::value(3))).unwrap(),
    );
    assert!(
        one.starts_with("SweepDesign: 1 point, product of eta (1) x j (1) x k (1)\n"),
        "{one}"
    );
    let random = show(
        SweepDesign::random(
            1_000_000_000_000,
            Sampler::Uniform,
            42,
            axes(
                Axis::normal(0.0, 1.0),
                Axis::uniform(5.0, 6.0).draws(1, Sampler::Uniform, 1),
                Axis::value(3),
            ),
        )
        .unwrap(),
    );
    assert_eq!(
        random,
        "SweepDesign: 1000000000000 points, random, Uniform, seed 42\n  \
         eta  f32  Normal { mean: 0.0, sd: 1.0 }\n  \
         j    f32  Draws { from: Uniform { lo: 5.0, hi: 6.0 }, n: 1, sampler: Uniform, seed: 1 }\n  \
         k    i32  Values([3])\n  \
         dt   f32  fixed 0.01"
    );
}

#[test]
fn strided_spaces_and_designs_are_the_points_they_select() {
    let grid = SweepDesign::product(axes(
        Axis::linspace(-6.0, -3.0, 7),
        Axis::logspace(0.0, 1.0, 5),
        Axis::values([1, 2, 3]),
    ))
    .unwrap();
    let random = SweepDesign::random(
        101,
        Sampler::LatinHypercube,
        9,
        axes(
            Axis::uniform(-6.0, -3.0),
            Axis::gamma(2.0, 1.0),
            Axis::uniform(0, 10),
        ),
    )
    .unwrap();
    for design in [&grid, &random] {
        let stored = design.to_space().unwrap();
        for (range, step) in [
            (0..design.len(), 1),
            (0..design.len(), 2),
            (3..50, 7),
            (10..11, 3),
            (5..5, 2),
            (0..design.len(), 1000),
        ] {
            let want: Vec<Sweep> = range
                .clone()
                .step_by(step)
                .map(|i| design.get(i).unwrap())
                .collect();
            let lazy = design.strided(range.clone(), step).unwrap();
            let copied = stored.strided(range.clone(), step).unwrap();
            assert_eq!(
                lazy.iter().collect::<Vec<_>>(),
                want,
                "{range:?} step {step}"
            );
            assert_eq!(
                copied.iter().collect::<Vec<_>>(),
                want,
                "{range:?} step {step}"
            );
            // Through packs at several widths, sequential and parallel.
            let eta: Vec<f32> = want.iter().map(|p| p.eta + p.k as f32).collect();
            fn f<const V: usize>(p: SweepLanes<'_, V>) -> F32<V>
            where
                f32: Float<V>,
                i32: Packable<V>,
            {
                let k = F32::<V>::from_array(core::array::from_fn(|l| p.k.to_array()[l] as f32));
                p.eta + k
            }
            assert_eq!(Executor::sequential().run(&lazy, f::<4>).unwrap(), eta);
            assert_eq!(Executor::parallel().run(&lazy, f::<16>).unwrap(), eta);
            assert_eq!(Executor::parallel().run(&copied, f::<8>).unwrap(), eta);
            // The new space numbers its points from 0.
            let firsts = Executor::sequential()
                .run(&copied, |p: SweepLanes<'_, 4>| {
                    F32::<4>::splat(p.index() as f32)
                })
                .unwrap();
            assert!(
                firsts
                    .iter()
                    .enumerate()
                    .all(|(i, &x)| x as usize == i - i % 4)
            );
        }
    }
    // Strided again, lazily, on a design too large to store.
    let huge = SweepDesign::product(axes(
        Axis::linspace(0.0, 1.0, 1_000_000),
        Axis::linspace(0.0, 1.0, 1_000_000),
        Axis::value(1),
    ))
    .unwrap();
    let thin = huge.strided(0..huge.len(), 1_000_001).unwrap();
    assert_eq!(thin.len(), 1_000_000); // the diagonal
    assert!(thin.iter().take(1000).all(|p| p.eta == p.j));
    let twice = thin.strided(10..20, 5).unwrap();
    assert_eq!(twice.len(), 2);
    assert_eq!(twice.get(1), huge.get(15 * 1_000_001));
    assert!(twice.to_string().starts_with(
        "SweepDesign: 2 points, every 5000005 of points 10000010.. of a grid of 1000000000000 points: product of eta (1000000) x j (1000000) x k (1)\n"
    ), "{twice}");
    // Errors.
    let stored = grid.to_space().unwrap();
    assert_eq!(grid.strided(0..10, 0).err(), Some(StrideError::ZeroStep));
    assert_eq!(stored.strided(0..10, 0).err(), Some(StrideError::ZeroStep));
    let outside = Some(StrideError::Range(RangeError {
        start: 100,
        end: 106,
        len: 105,
    }));
    assert_eq!(grid.strided(100..106, 1).err(), outside);
    assert_eq!(stored.strided(100..106, 1).err(), outside);
    #[allow(clippy::reversed_empty_ranges)]
    let reversed = grid.strided(9..3, 1).err();
    assert_eq!(
        reversed,
        Some(StrideError::Range(RangeError {
            start: 9,
            end: 3,
            len: 105
        }))
    );
    assert_eq!(
        StrideError::ZeroStep.to_string(),
        "a step of 0 selects no points: take a step of at least 1 (1 takes every point of the range)"
    );
}

/// What a hostile tester found (each once a panic, a hang, an infinity or a
/// wrong value): every one is now an error naming the field, or the right
/// value.
#[test]
fn hostile_distribution_parameters_are_errors_or_right_values() {
    let reason = |x: Axis<f64>| {
        let axes = PriorsAxes { k: x, ..priors() };
        match PriorsDesign::random(10, Sampler::Uniform, 0, axes).err() {
            Some(DesignError::InvalidAxis { field: "k", reason }) => reason,
            other => panic!("{other:?}"),
        }
    };
    // Gamma shapes whose quantiles underflow (a panic inside statrs), or too
    // large to be solved (a hang, or 1.35e14 for 1e15).
    for shape in [0.01, 1e-300, 5e-324] {
        assert!(reason(Axis::gamma(shape, 1.0)).contains("smallest positive"));
    }
    for shape in [1e7, 1e15, 1e300] {
        assert!(reason(Axis::gamma(shape, 1.0)).contains("shapes are taken up to"));
    }
    // Beta shapes outside the checked range (a hang at 1e10).
    for (a, b) in [(1e10, 1e10), (1e300, 2.0), (1e-10, 1.0), (1.0, 1e-300)] {
        assert!(reason(Axis::beta(a, b, 0.0, 1.0)).contains("shapes are taken from"));
    }
    // Positive distributions whose draws would round to 0 in the field's type.
    assert!(reason(Axis::lognormal(-800.0, 1.0)).contains("smallest positive"));
    let f32_axes = |tau: Axis<f32>| {
        PriorsDesign::random(10, Sampler::Uniform, 0, PriorsAxes { tau, ..priors() }).err()
    };
    assert!(matches!(
        f32_axes(Axis::lognormal(-110.0, 1.0)),
        Some(DesignError::InvalidAxis { field: "tau", .. })
    ));
    assert!(matches!(
        f32_axes(Axis::gamma(1.0, 1e-44)),
        Some(DesignError::InvalidAxis { field: "tau", .. })
    ));
    // A truncation too far in a tail for f64 (every draw was the bound).
    assert!(
        reason(Axis::truncated_normal(0.0, 1.0, 38.0, 39.0))
            .contains("less of the normal's probability")
    );
    let edge = Axis::<f64>::truncated_normal(0.0, 1.0, 37.0, 38.0);
    assert_eq!(edge.check(), Ok(()));
    let values: Vec<f64> = [0.1, 0.5, 0.9].iter().map(|&u| edge.at(0, u)).collect();
    assert!(
        values.windows(2).all(|w| w[0] < w[1]) && values.iter().all(|v| (37.0..=38.0).contains(v)),
        "{values:?}"
    );
    // Small beta shapes: monotone and accurate (u^(1/a) for beta(a, 1)).
    for a in [1e-4, 1e-3, 1e-2, 0.1] {
        let axis = Axis::<f64>::beta(a, 1.0, 0.0, 1.0);
        let mut last = -1.0;
        for i in 1..2000 {
            let u = i as f64 / 2000.0;
            let (got, want) = (axis.at(0, u), u.powf(1.0 / a));
            assert!(got >= last, "beta({a}, 1) not monotone at {u}");
            last = got;
            if want > 1e-300 {
                assert!(
                    (got - want).abs() <= 1e-10 * want,
                    "beta({a}, 1) at {u}: {got:e} vs {want:e}"
                );
            }
        }
    }
    // A Latin hypercube draw of the top stratum of 2^60 points rounded to 1
    // (an infinite normal): point 846246376978389054 of seed 0.
    let n = 1usize << 60;
    let huge = PriorsDesign::random(n, Sampler::LatinHypercube, 0, priors()).unwrap();
    let point = huge.get(846_246_376_978_389_054).unwrap();
    assert!(
        point.g.is_finite() && point.tau.is_finite() && point.k.is_finite() && point.k > 0.0,
        "{point:?}"
    );
    let draws = Axis::<f64>::normal(0.0, 1.0).draws(n, Sampler::LatinHypercube, 0);
    assert!(draws.at(846_246_376_978_389_054, 0.0).is_finite());
}

#[test]
fn summaries_of_huge_values_and_non_ascii_names_stay_short_and_aligned() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static WRITTEN: AtomicUsize = AtomicUsize::new(0);
    /// A million values in its `Debug`, counting how many are written.
    #[derive(Clone)]
    struct Huge;
    impl std::fmt::Debug for Huge {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            for k in 0..1_000_000 {
                WRITTEN.fetch_add(1, Ordering::Relaxed);
                write!(f, "{k}, ")?;
            }
            Ok(())
        }
    }
    #[derive(DataSpace, Clone)]
    #[allow(dead_code)] // the point's fixed field: only the summaries read it
    struct Greek {
        η: f64,
        j: f64,
        #[space(fixed)]
        big: Huge,
    }
    let design = GreekDesign::product(GreekAxes {
        η: Axis::values([1.5, 2.5]),
        j: Axis::value(1.0),
        big: Huge,
    })
    .unwrap();
    let text = design.to_string();
    // Formatting stops after 100 characters of a value: a few dozen of the
    // million are written (all of them once took 2 s and 400 MB).
    assert!(
        WRITTEN.load(Ordering::Relaxed) < 100,
        "{}",
        WRITTEN.load(Ordering::Relaxed)
    );
    assert!(text.lines().last().unwrap().ends_with('…'), "{text}");
    // `η` is one character: the value columns of all lines start together.
    let lines: Vec<&str> = text.lines().skip(1).collect();
    let at = |line: &str, c: char| line.chars().position(|x| x == c).unwrap();
    assert_eq!(at(lines[0], 'V'), at(lines[1], 'V'), "{text}");
    let space = GreekSpace::new(GreekColumns {
        η: vec![1.0, 2.0],
        j: vec![3.0, 4.0],
        big: Huge,
    })
    .unwrap()
    .to_string();
    let lines: Vec<&str> = space.lines().skip(1).collect();
    assert_eq!(at(lines[0], '1'), at(lines[1], '3'), "{space}");
}
