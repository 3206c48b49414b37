//! Building a space: shape checks, points by index and in order, column access.

use dataspace::ShapeError;
use dataspace::prelude::*;
use nalgebra::DMatrix;

/// The struct from the issue, field for field.
#[derive(DataSpace, Clone, Debug, PartialEq)]
pub struct Mpr {
    pub eta: f32,
    pub j: f32,
    pub delta: f64,
    pub r0: [f32; 2],
    #[space(fixed)]
    pub dt: f32,
    #[space(fixed)]
    pub weights: DMatrix<f32>,
}

fn weights() -> DMatrix<f32> {
    DMatrix::from_fn(3, 3, |i, j| (i * 3 + j) as f32)
}

fn columns(n: usize) -> MprColumns {
    MprColumns {
        eta: (0..n).map(|i| -6.0 + i as f32).collect(),
        j: (0..n).map(|i| 10.0 + i as f32).collect(),
        delta: (0..n).map(|i| 0.5 * i as f64).collect(),
        r0: (0..n).map(|i| [0.1 * i as f32, -2.0]).collect(),
        dt: 0.01,
        weights: weights(),
    }
}

#[test]
fn get_returns_the_ith_value_of_every_column_and_clones_fixed_fields() {
    let space = MprSpace::new(columns(5)).unwrap();
    assert_eq!(space.len(), 5);
    assert!(!space.is_empty());
    assert_eq!(
        space.get(3),
        Some(Mpr {
            eta: -3.0,
            j: 13.0,
            delta: 1.5,
            r0: [0.1 * 3.0, -2.0],
            dt: 0.01,
            weights: weights()
        })
    );
    assert_eq!(space.get(5), None);
    assert_eq!(space.get(usize::MAX), None);
}

#[test]
fn iter_agrees_with_get_and_the_columns_in_both_directions() {
    let space = MprSpace::new(columns(7)).unwrap();
    let forward: Vec<Mpr> = space.iter().collect();
    let by_index: Vec<Mpr> = (0..7).map(|i| space.get(i).unwrap()).collect();
    assert_eq!(forward, by_index);
    let cols = space.columns();
    for (i, point) in forward.iter().enumerate() {
        assert_eq!(point.eta, cols.eta[i]);
        assert_eq!(point.j, cols.j[i]);
        assert_eq!(point.delta, cols.delta[i]);
        assert_eq!(point.r0, [cols.r0[0][i], cols.r0[1][i]]);
    }
    let mut backward: Vec<Mpr> = space.iter().rev().collect();
    backward.reverse();
    assert_eq!(backward, forward);

    let mut iter = space.iter();
    assert_eq!(iter.len(), 7);
    assert_eq!(iter.next().unwrap().eta, -6.0);
    assert_eq!(iter.next_back().unwrap().eta, 0.0);
    assert_eq!(iter.len(), 5);
    assert_eq!(iter.nth(4).unwrap().eta, -1.0);
    assert_eq!(iter.next(), None);

    let via_into_iter: Vec<Mpr> = (&space).into_iter().collect();
    assert_eq!(via_into_iter, forward);
    let mut count = 0;
    for point in &space {
        assert_eq!(point.dt, 0.01);
        count += 1;
    }
    assert_eq!(count, 7);
}

#[test]
fn columns_are_borrowed_not_copied() {
    let mut cols = columns(4);
    // Room for the padding (a multiple of 64 values): the column moves in as it is.
    cols.eta.reserve_exact(60);
    let eta_ptr = cols.eta.as_ptr();
    let space = MprSpace::new(cols).unwrap();
    let view = space.columns();
    assert_eq!(
        view.eta.as_ptr(),
        eta_ptr,
        "a column with room for its padding is not copied"
    );
    assert_eq!(view.eta.len(), 4, "the padding is not part of the column");
    assert_eq!(
        view.r0[0],
        (0..4).map(|i| 0.1 * i as f32).collect::<Vec<_>>()
    );
    assert_eq!(view.r0[1], &[-2.0; 4]);
    assert_eq!(view.delta, &[0.0, 0.5, 1.0, 1.5]);
    assert_eq!(*view.dt, 0.01);
    assert!(std::ptr::eq(view.weights, space.columns().weights));
}

#[test]
fn every_mismatching_free_field_is_named_in_a_shape_error() {
    type Break = fn(&mut MprColumns);
    let cases: [(&str, usize, Break); 4] = [
        ("j", 2, |c| c.j.truncate(2)),
        ("delta", 4, |c| c.delta.push(0.0)),
        ("r0", 0, |c| c.r0.clear()),
        ("j", 9, |c| c.j.resize(9, 0.0)),
    ];
    for (field, found, break_it) in cases {
        let mut cols = columns(3);
        break_it(&mut cols);
        let error = MprSpace::new(cols).expect_err("mismatched lengths are an error");
        assert_eq!(
            error,
            ShapeError::LengthMismatch {
                space: "Mpr",
                field,
                found,
                expected: 3,
                expected_from: "eta"
            }
        );
        let s = if found == 1 { "" } else { "s" };
        assert_eq!(
            error.to_string(),
            format!("free parameter `{field}` of `Mpr` has {found} point{s} but `eta` has 3")
        );
        let as_dyn: Box<dyn std::error::Error> = Box::new(error);
        assert!(as_dyn.to_string().contains(field));
    }
}

#[test]
fn the_first_free_field_sets_n() {
    let mut cols = columns(3);
    cols.eta.truncate(1);
    let error = MprSpace::new(cols).err().unwrap();
    assert_eq!(
        error.to_string(),
        "free parameter `j` of `Mpr` has 3 points but `eta` has 1"
    );
}

#[test]
fn an_empty_space_is_valid() {
    let space = MprSpace::new(columns(0)).unwrap();
    assert_eq!(space.len(), 0);
    assert!(space.is_empty());
    assert_eq!(space.get(0), None);
    assert_eq!(space.iter().count(), 0);
    let layout = space.collect::<4>();
    assert_eq!(layout.shape().1, 0);
    assert_eq!(layout.iter().count(), 0);
    assert!(layout.is_empty());
}

#[test]
fn one_point_is_one_tail_pack() {
    let space = MprSpace::new(columns(1)).unwrap();
    let layout = space
        .collect_with::<8>(CollectOptions {
            n_pmap: 1,
            fill: 0.5,
        })
        .unwrap();
    assert_eq!(layout.shape(), (1, 1, 8));
    let lanes = layout.pack(0, 0).unwrap();
    assert_eq!(lanes.valid(), 1);
    assert_eq!(
        lanes.eta.to_array(),
        [-6.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
    );
    assert_eq!(
        lanes.delta.to_array(),
        [0.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
    );
    assert_eq!(
        lanes.r0[1].to_array(),
        [-2.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
    );
    assert_eq!(*lanes.dt, 0.01);
    let points: Vec<Mpr> = lanes.points().collect();
    assert_eq!(points, vec![space.get(0).unwrap()]);
}

#[test]
fn nan_and_infinities_pass_through_unchanged() {
    let specials = [
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        -0.0,
        f32::MIN_POSITIVE / 2.0,
    ];
    let n = specials.len();
    let mut cols = columns(n);
    cols.eta = specials.to_vec();
    cols.delta = specials.iter().map(|&x| x as f64).collect();
    cols.r0 = specials.iter().map(|&x| [x, -x]).collect();
    let space = MprSpace::new(cols).unwrap();
    let bits = |x: f32| x.to_bits();
    for (i, &x) in specials.iter().enumerate() {
        let p = space.get(i).unwrap();
        assert_eq!(bits(p.eta), bits(x), "point {i}");
        assert_eq!(p.delta.to_bits(), (x as f64).to_bits());
        assert_eq!(bits(p.r0[1]), bits(-x));
    }
    let lanes = space
        .collect_with::<8>(CollectOptions {
            n_pmap: 1,
            fill: 1.0,
        })
        .unwrap()
        .pack(0, 0)
        .unwrap();
    let eta = lanes.eta.to_array();
    for (i, &x) in specials.iter().enumerate() {
        assert_eq!(bits(eta[i]), bits(x));
    }
    assert_eq!(&eta[n..], &[1.0; 3]);
}

#[test]
fn arrays_build_the_same_space_as_columns() {
    let from_arrays = MprSpace::from_arrays(MprArrays::<3> {
        eta: [-6.0, -5.0, -4.0],
        j: [10.0, 11.0, 12.0],
        delta: [0.0, 0.5, 1.0],
        r0: [[0.0, -2.0], [0.1, -2.0], [0.2, -2.0]],
        dt: 0.01,
        weights: weights(),
    });
    let from_columns = MprSpace::new(columns(3)).unwrap();
    assert_eq!(from_arrays.len(), 3);
    assert_eq!(
        from_arrays.iter().collect::<Vec<_>>(),
        from_columns.iter().collect::<Vec<_>>()
    );
}

/// No fixed field: the lanes type still has its lifetime, `SummaryLanes<'_, V>`, as every lanes type.
#[derive(DataSpace, Clone, Debug, PartialEq)]
struct Summary {
    mean_r: f32,
    peak: [f32; 2],
}

#[test]
fn lanes_without_fixed_fields_take_no_lifetime() {
    fn first_mean<const V: usize>(lanes: SummaryLanes<'_, V>) -> f32
    where
        f32: Packable<V>,
    {
        Pack::to_array(lanes.mean_r)[0]
    }
    let space = SummarySpace::from_arrays(SummaryArrays {
        mean_r: [0.25, 0.5],
        peak: [[1.0, 2.0]; 2],
    });
    let lanes: SummaryLanes<4> = space.collect::<4>().pack(0, 0).unwrap();
    assert_eq!(first_mean(lanes), 0.25);
}

const K: usize = 3;

/// Raw identifiers, a const-expression array length, and a private struct.
#[derive(DataSpace, Clone, Debug, PartialEq)]
struct Odd {
    r#type: u32,
    state: [f64; K + 1],
}

#[test]
fn raw_identifiers_and_const_lengths_work() {
    let space = OddSpace::new(OddColumns {
        r#type: vec![1, 2],
        state: vec![[1.0; 4], [2.0; 4]],
    })
    .unwrap();
    assert_eq!(space.columns().state.len(), 4);
    assert_eq!(
        space.get(1).unwrap(),
        Odd {
            r#type: 2,
            state: [2.0; 4]
        }
    );
    let mut bad = OddColumns {
        r#type: vec![1],
        state: vec![],
    };
    bad.state.clear();
    assert_eq!(
        OddSpace::new(bad).err().unwrap().to_string(),
        "free parameter `state` of `Odd` has 0 points but `type` has 1"
    );
}

mod nested {
    use dataspace::prelude::*;

    /// Generated items share the struct's visibility.
    #[derive(DataSpace, Clone)]
    pub(crate) struct Inner {
        pub(crate) x: f32,
    }
}

#[test]
fn generated_items_have_the_structs_visibility() {
    let space = nested::InnerSpace::from_arrays(nested::InnerArrays { x: [1.0] });
    assert_eq!(space.get(0).unwrap().x, 1.0);
}

/// A space prints a summary (its length, each column's shape, the fixed
/// values), not its N values; the other generated types print their fields.
#[test]
fn debug_shows_a_summary_of_a_space() {
    let space = MprSpace::new(columns(1000)).unwrap();
    let shown = format!("{space:?}");
    assert!(
        shown.starts_with(
            "MprSpace { len: 1000, eta: [f32; 1000], j: [f32; 1000], delta: [f64; 1000], r0: [[f32; 2]; 1000], dt: "
        ),
        "{shown}"
    );
    assert!(shown.len() < 400, "no column values: {shown}");
    let lanes = space.collect::<4>().pack(0, 0).unwrap();
    let shown = format!("{lanes:?}");
    assert!(
        shown.starts_with("MprLanes { eta: (-6.0, -5.0, -4.0, -3.0), "),
        "{shown}"
    );
    assert!(shown.ends_with("valid(): 4 }"), "{shown}");
}

#[test]
fn a_space_prints_each_column_range_nan_count_and_the_fixed_fields() {
    #[derive(DataSpace, Clone)]
    #[allow(dead_code)] // the point's fixed fields: only the space's summary reads them
    struct Wide {
        eta: f32,
        k: i64,
        r0: [f64; 2],
        #[space(fixed)]
        dt: f32,
        #[space(fixed)]
        w: DMatrix<f32>,
        #[space(fixed)]
        opaque: Opaque,
    }
    #[derive(Clone)]
    struct Opaque;
    let space = WideSpace::new(WideColumns {
        eta: vec![-6.0, f32::NAN, -3.5, -4.0],
        k: vec![i64::MAX, -3, i64::MAX - 1, 0],
        r0: vec![
            [0.1, f64::NAN],
            [0.2, f64::NAN],
            [-0.3, f64::NAN],
            [0.0, f64::NAN],
        ],
        dt: 0.01,
        w: DMatrix::from_element(8, 8, 2.0),
        opaque: Opaque,
    })
    .unwrap();
    let text = space.to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "WideSpace: 4 points");
    assert_eq!(lines[1], "  eta     f32           -6.0 to -3.5  (1 NaN)");
    // Integers compared as integers: i64::MAX and i64::MAX - 1 stay apart.
    assert_eq!(
        lines[2],
        "  k       i64           -3 to 9223372036854775807"
    );
    assert_eq!(lines[3], "  r0[0]   f64           -0.3 to 0.2");
    assert_eq!(lines[4], "  r0[1]   f64           all NaN");
    assert_eq!(lines[5], "  dt      f32           fixed 0.01");
    // A long fixed value is cut after 100 characters, with its length.
    assert!(
        lines[6].starts_with("  w       DMatrix<f32>  fixed VecStorage { data: [2.0, 2.0,"),
        "{}",
        lines[6]
    );
    assert!(
        lines[6].ends_with("…") && lines[6].chars().count() < 140,
        "{}",
        lines[6]
    );
    assert!(
        lines[7].starts_with("  opaque  Opaque        fixed "),
        "{}",
        lines[7]
    );
    assert!(lines[7].contains("Opaque"), "{}", lines[7]); // no Debug: its type's name
    // N = 0 and N = 1.
    let empty = MprSpace::new(columns(0)).unwrap().to_string();
    assert!(
        empty.starts_with("MprSpace: 0 points\n  eta      f32           no values\n"),
        "{empty}"
    );

    let one = MprSpace::new(columns(1)).unwrap().to_string();
    assert!(one.starts_with("MprSpace: 1 point\n"), "{one}");
}
