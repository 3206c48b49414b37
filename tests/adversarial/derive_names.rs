//! Derive that does not compile: field names that clash with what the
//! generated code calls its own locals, parameters, items and methods.
//!
//! Every identifier the generated code binds is a field here (and, in the
//! second struct, a fixed field), along with the names of the generated items
//! and of the trait methods they implement. If any of them were bound as a
//! local next to the user's fields, this file would not compile.

#![allow(non_snake_case)]

use dataspace::io::write_csv;
use dataspace::prelude::*;
use dataspace::{Axis, Executor};

/// Locals, parameters and closure arguments of the generated code, and the
/// generic parameters it declares.
#[derive(DataSpace, Clone, Debug, PartialEq)]
pub struct Internal {
    pub reader: f32,
    pub fixed: f32,
    pub fields: f32,
    pub line: f32,
    pub cells: f32,
    pub at: f32,
    pub width: f32,
    pub names: f32,
    pub out: f32,
    pub columns: f32,
    pub arrays: f32,
    pub index: f32,
    pub i: f32,
    pub k: f32,
    pub e: f32,
    pub len: f32,
    pub start: f32,
    pub end: f32,
    pub fill: f32,
    pub real: f32,
    pub located: f32,
    pub values: f32,
    pub value: f32,
    pub points: f32,
    pub block: f32,
    pub blocks: f32,
    pub all: f32,
    pub valid: f32,
    pub lanes: f32,
    pub lane: f32,
    pub plan: f32,
    pub axes: f32,
    pub groups: f32,
    pub sampler: f32,
    pub seed: f32,
    pub n: f32,
    pub u: f32,
    pub space: f32,
    pub point: f32,
    pub N: f32,
    pub V: f32,
    pub R: f32,
    pub r#type: f32,
    pub r#match: [f32; 2],
}

/// Generated items and trait methods as field names, fixed fields included.
#[derive(DataSpace, Clone, Debug, PartialEq)]
pub struct Items {
    pub new: f64,
    pub from_arrays: f64,
    pub get: f64,
    pub iter: f64,
    pub is_empty: f64,
    pub slice: f64,
    pub shard: f64,
    pub collect: f64,
    pub collect_with: f64,
    pub load: f64,
    pub load_until: f64,
    pub header: f64,
    pub read_csv: f64,
    pub product: f64,
    pub zip: f64,
    pub random: f64,
    pub to_space: f64,
    pub field_axes: f64,
    pub FIELDS: f64,
    pub push: f64,
    pub finish: f64,
    pub clone: f64,
    pub into_iter: f64,
    pub dtypes: f64,
    #[space(fixed)]
    pub reader: f32,
    #[space(fixed)]
    pub fields: f32,
    #[space(fixed)]
    pub columns: f32,
    #[space(fixed)]
    pub line: f32,
}

/// Calls `$m!` with the free fields of `Internal`, so that building its
/// columns, axes and points lists them once.
macro_rules! with_internal_fields {
    ($m:ident!($($args:tt)*)) => {
        $m!($($args)*; reader, fixed, fields, line, cells, at, width, names, out, columns,
            arrays, index, i, k, e, len, start, end, fill, real, located, values, value,
            points, block, blocks, all, valid, lanes, lane, plan, axes, groups, sampler,
            seed, n, u, space, point, N, V, R, r#type, r#match)
    };
}

macro_rules! point_at {
    ($x:expr; $($f:ident),*) => {{
        let mut offset = 0.0f32;
        let mut next = || { offset += 1.0; $x + offset };
        Internal { $($f: Cell::make(&mut next),)* }
    }};
}

macro_rules! columns_of {
    ($points:expr; $($f:ident),*) => {
        InternalColumns { $($f: $points.iter().map(|p| p.$f).collect(),)* }
    };
}

macro_rules! axes_of {
    ($point:expr; $($f:ident),*) => {
        InternalAxes { $($f: Axis::value($point.$f),)* }
    };
}

/// A value of a free field's type from successive numbers.
trait Cell {
    fn make(next: &mut impl FnMut() -> f32) -> Self;
}
impl Cell for f32 {
    fn make(next: &mut impl FnMut() -> f32) -> Self {
        next()
    }
}
impl Cell for [f32; 2] {
    fn make(next: &mut impl FnMut() -> f32) -> Self {
        [next(), next()]
    }
}

fn internal(x: f32) -> Internal {
    with_internal_fields!(point_at!(x))
}

#[test]
fn every_internal_name_as_a_field_round_trips_through_csv_and_designs() {
    let points: Vec<Internal> = (0..5).map(|i| internal(i as f32 * 100.0)).collect();
    let space = InternalSpace::new(with_internal_fields!(columns_of!(points))).unwrap();
    assert_eq!(space.len(), 5);
    assert_eq!(space.get(3), Some(points[3].clone()));

    let mut text = Vec::new();
    write_csv(&mut text, &[&space]).unwrap();
    let back = InternalSpace::read_csv(&text[..], InternalFixed {}).unwrap();
    assert_eq!(back.iter().collect::<Vec<_>>(), points);
    let text = String::from_utf8(text).unwrap();
    let header = text.lines().next().unwrap();
    assert!(
        header.starts_with("reader,fixed,fields,line,cells,at,width,"),
        "{header}"
    );
    assert!(header.ends_with(",type,match[0],match[1]"), "{header}");

    // Packs and the executor see the same values.
    let sums: Vec<f32> = Executor::sequential()
        .run(&space, |lanes: InternalLanes<8>| lanes.width + lanes.r#type)
        .unwrap();
    let expected: Vec<f32> = points.iter().map(|p| p.width + p.r#type).collect();
    assert_eq!(sums, expected);

    // A design over the same struct, and its packs.
    let design = InternalDesign::zip(with_internal_fields!(axes_of!(points[1]))).unwrap();
    assert_eq!(design.get(0), Some(points[1].clone()));
    let from_design: Vec<f32> = Executor::sequential()
        .run(&design, |lanes: InternalLanes<4>| lanes.r#match[1])
        .unwrap();
    assert_eq!(from_design, [points[1].r#match[1]]);
}

#[test]
fn generated_item_names_as_fields_and_fixed_fields_work() {
    let space = ItemsSpace::new(ItemsColumns {
        new: vec![1.0, 2.0],
        from_arrays: vec![3.0; 2],
        get: vec![4.0; 2],
        iter: vec![5.0; 2],
        is_empty: vec![6.0; 2],
        slice: vec![7.0; 2],
        shard: vec![8.0; 2],
        collect: vec![9.0; 2],
        collect_with: vec![10.0; 2],
        load: vec![11.0; 2],
        load_until: vec![12.0; 2],
        header: vec![13.0; 2],
        read_csv: vec![14.0; 2],
        product: vec![15.0; 2],
        zip: vec![16.0; 2],
        random: vec![17.0; 2],
        to_space: vec![18.0; 2],
        field_axes: vec![19.0; 2],
        FIELDS: vec![20.0; 2],
        push: vec![21.0; 2],
        finish: vec![22.0; 2],
        clone: vec![23.0; 2],
        into_iter: vec![24.0; 2],
        dtypes: vec![25.0; 2],
        reader: 0.5,
        fields: 1.5,
        columns: 2.5,
        line: 3.5,
    })
    .unwrap();
    assert_eq!(space.len(), 2);
    let point = space.get(1).unwrap();
    assert_eq!((point.new, point.dtypes, point.columns), (2.0, 25.0, 2.5));
    assert_eq!(space.columns().collect, &[9.0, 9.0]);

    let mut text = Vec::new();
    write_csv(&mut text, &[&space]).unwrap();
    let fixed = ItemsFixed {
        reader: 0.5,
        fields: 1.5,
        columns: 2.5,
        line: 3.5,
    };
    let back = ItemsSpace::read_csv(&text[..], fixed).unwrap();
    assert_eq!(
        back.iter().collect::<Vec<_>>(),
        space.iter().collect::<Vec<_>>()
    );

    let sums: Vec<f64> = Executor::sequential()
        .run(&space, |lanes: ItemsLanes<'_, 4>| {
            lanes.new + lanes.get + wide::f64x4::splat(f64::from(*lanes.line))
        })
        .unwrap();
    assert_eq!(sums, [8.5, 9.5]);

    macro_rules! items_axes {
        ($($f:ident),*; $($fixed:ident),*) => {
            ItemsAxes { $($f: Axis::value(point.$f),)* $($fixed: point.$fixed,)* }
        };
    }
    let mut axes = items_axes!(new, from_arrays, get, iter, is_empty, slice, shard, collect,
        collect_with, load, load_until, header, read_csv, product, zip, random, to_space,
        field_axes, FIELDS, push, finish, clone, into_iter, dtypes; reader, fields, columns, line);
    axes.new = Axis::linspace(0.0, 1.0, 3);
    let design = ItemsDesign::product(axes).unwrap();
    assert_eq!(design.len(), 3);
    assert_eq!(design.get(2).unwrap().new, 1.0);
}

/// Array lengths named like the generated const parameters (`N` of
/// `XArrays<N>`, `V` of `XLanes<V>`): the generics must not capture them.
/// (In a module of their own: a field named `N` beside a `const N` would make
/// `XLanes::new`'s parameter `N` a constant pattern, in the user's code as in ours.)
mod const_lengths {
    use dataspace::Executor;
    use dataspace::prelude::*;

    pub const N: usize = 2;
    pub const V: usize = 3;

    #[derive(DataSpace, Clone, Debug, PartialEq)]
    pub struct ConstLengths {
        pub x: f32,
        pub r: [f32; N],
        pub s: [u32; V],
        #[space(fixed)]
        pub w: [f64; V],
    }

    #[test]
    fn array_lengths_named_n_or_v_keep_their_meaning() {
        let space = ConstLengthsSpace::from_arrays(ConstLengthsArrays {
            x: [1.0, 2.0, 3.0],
            r: [[0.5; N]; 3],
            s: [[7; V], [8; V], [9; V]],
            w: [0.25; V],
        });
        assert_eq!(space.len(), 3);
        assert_eq!(
            space.get(2),
            Some(ConstLengths {
                x: 3.0,
                r: [0.5, 0.5],
                s: [9, 9, 9],
                w: [0.25; 3]
            })
        );
        let sums: Vec<[f32; 2]> = Executor::sequential()
            .run(&space, |l: ConstLengthsLanes<'_, 4>| {
                [l.x + l.r[1], l.x * wide::f32x4::splat(l.w[2] as f32)]
            })
            .unwrap();
        assert_eq!(sums, [[1.5, 0.25], [2.5, 0.5], [3.5, 0.75]]);
    }
}
