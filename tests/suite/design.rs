//! Designs: product order, zip and group semantics, random designs that do
//! not depend on threads, lazy access to huge designs, slices.

use dataspace::prelude::*;
use dataspace::{Axis, DesignError, RangeError, Sampler};

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
