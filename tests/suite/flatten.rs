//! `#[space(flatten)]`: a field whose type is another `DataSpace` struct.
//! Its free fields are columns of the outer space, named by their dotted
//! path (`coupling.g`) in errors, designs, summaries and files, and read
//! in kernels as `p.coupling.g`.

use dataspace::io::{Column, read_npy, read_npz, write_csv, write_npy, write_npz};
use dataspace::prelude::*;
use dataspace::{Axes, Axis, CsvSink, DesignError, Sampler, ShapeError, StrideError};

#[derive(DataSpace, Clone, Debug, PartialEq)]
struct Coupling {
    g: f32,
    delay: f32,
}

#[derive(DataSpace, Clone, Debug, PartialEq)]
struct Model {
    eta: f32,
    #[space(flatten)]
    coupling: Coupling,
    #[space(fixed)]
    weights: Vec<f32>,
}

fn columns(n: usize) -> ModelColumns {
    ModelColumns {
        eta: (0..n).map(|i| i as f32).collect(),
        coupling: CouplingColumns {
            g: (0..n).map(|i| 10.0 + i as f32).collect(),
            delay: (0..n).map(|i| -(i as f32)).collect(),
        },
        weights: vec![0.5, 0.25],
    }
}

fn point(i: usize) -> Model {
    Model {
        eta: i as f32,
        coupling: Coupling {
            g: 10.0 + i as f32,
            delay: -(i as f32),
        },
        weights: vec![0.5, 0.25],
    }
}

#[test]
fn points_rebuild_the_nested_struct() {
    let space = ModelSpace::new(columns(5)).unwrap();
    assert_eq!(space.len(), 5);
    assert_eq!(space.get(3), Some(point(3)));
    assert_eq!(space.get(5), None);
    assert_eq!(
        space.iter().collect::<Vec<_>>(),
        (0..5).map(point).collect::<Vec<_>>()
    );
    let columns = space.columns();
    assert_eq!(columns.coupling.g, &[10.0, 11.0, 12.0, 13.0, 14.0]);
    assert_eq!(columns.coupling.delay, &[0.0, -1.0, -2.0, -3.0, -4.0]);
    assert_eq!(columns.weights, &[0.5, 0.25]);
}

#[test]
fn empty_and_single_point_spaces() {
    let empty = ModelSpace::new(columns(0)).unwrap();
    assert_eq!(empty.len(), 0);
    assert_eq!(empty.get(0), None);
    assert_eq!(empty.collect::<8>().iter().count(), 0);
    let one = ModelSpace::new(columns(1)).unwrap();
    assert_eq!(one.iter().collect::<Vec<_>>(), [point(0)]);
    let pack = one.collect::<4>().pack(0, 0).unwrap();
    assert_eq!(pack.valid(), 1);
    assert_eq!(pack.coupling.g.to_array()[0], 10.0);
    assert!(pack.coupling.g.to_array()[1].is_nan()); // tail lanes hold the fill
}

#[test]
fn an_inner_column_of_another_length_is_an_error_naming_its_dotted_path() {
    let mut short = columns(4);
    short.coupling.delay.pop();
    let error = ModelSpace::new(short).err().unwrap();
    assert_eq!(
        error,
        ShapeError::LengthMismatch {
            space: "Model",
            field: "coupling.delay",
            found: 3,
            expected: 4,
            expected_from: "eta",
        }
    );
    assert_eq!(
        error.to_string(),
        "free parameter `coupling.delay` of `Model` has 3 points but `eta` has 4"
    );
    let mut long = columns(2);
    long.coupling.g.push(1.0);
    let error = ModelSpace::new(long).err().unwrap();
    assert!(matches!(
        error,
        ShapeError::LengthMismatch {
            field: "coupling.g",
            found: 3,
            expected: 2,
            ..
        }
    ));
}

/// A flattened field first, a plain one after it: N comes from the first leaf.
#[derive(DataSpace, Clone, Debug, PartialEq)]
struct InnerFirst {
    #[space(flatten)]
    coupling: Coupling,
    k: i32,
}

#[test]
fn n_comes_from_the_first_leaf_even_when_it_is_nested() {
    let error = InnerFirstSpace::new(InnerFirstColumns {
        coupling: CouplingColumns {
            g: vec![1.0, 2.0],
            delay: vec![0.0, 0.0],
        },
        k: vec![1],
    })
    .err()
    .unwrap();
    assert_eq!(
        error,
        ShapeError::LengthMismatch {
            space: "InnerFirst",
            field: "k",
            found: 1,
            expected: 2,
            expected_from: "coupling.g",
        }
    );
    let error = InnerFirstSpace::new(InnerFirstColumns {
        coupling: CouplingColumns {
            g: vec![1.0, 2.0],
            delay: vec![0.0],
        },
        k: vec![1, 2],
    })
    .err()
    .unwrap();
    assert!(matches!(
        error,
        ShapeError::LengthMismatch {
            field: "coupling.delay",
            expected_from: "coupling.g",
            ..
        }
    ));
}

#[test]
fn from_arrays_and_strided_keep_the_nesting() {
    let space = ModelSpace::from_arrays(ModelArrays {
        eta: [1.0, 2.0, 3.0, 4.0, 5.0],
        coupling: CouplingArrays {
            g: [0.1, 0.2, 0.3, 0.4, 0.5],
            delay: [5.0, 4.0, 3.0, 2.0, 1.0],
        },
        weights: vec![],
    });
    assert_eq!(
        space.get(4).unwrap().coupling,
        Coupling { g: 0.5, delay: 1.0 }
    );
    let odd = space.strided(1..5, 2).unwrap();
    assert_eq!(odd.len(), 2);
    assert_eq!(odd.columns().coupling.g, &[0.2, 0.4]);
    assert_eq!(odd.columns().coupling.delay, &[4.0, 2.0]);
    assert_eq!(odd.columns().eta, &[2.0, 4.0]);
    assert!(matches!(space.strided(0..6, 1), Err(StrideError::Range(_))));
}

fn first_g<const V: usize>(p: ModelLanes<'_, V>) -> f32
where
    f32: Packable<V>,
{
    p.coupling.g.to_array()[0]
}

#[test]
fn a_generic_kernel_reads_inner_packs_with_the_usual_scalar_bound() {
    let space = ModelSpace::new(columns(3)).unwrap();
    assert_eq!(first_g(space.collect::<8>().pack(0, 0).unwrap()), 10.0);
}

fn kernel<const V: usize>(p: ModelLanes<'_, V>) -> F32<V>
where
    f32: Float<V>,
{
    p.eta * p.coupling.g + p.coupling.delay * F32::<V>::splat(p.weights[0])
}

fn expected(space: &ModelSpace) -> Vec<f32> {
    space
        .iter()
        .map(|p| p.eta * p.coupling.g + p.coupling.delay * p.weights[0])
        .collect()
}

#[test]
fn kernels_read_inner_fields_as_packs_at_every_width() {
    for n in [0, 1, 3, 13, 64, 100] {
        let space = ModelSpace::new(columns(n)).unwrap();
        let want = expected(&space);
        let ex = Executor::parallel();
        assert_eq!(
            ex.run::<4, _, _, _>(&space, kernel::<4>).unwrap(),
            want,
            "N = {n}"
        );
        assert_eq!(
            ex.run::<8, _, _, _>(&space, kernel::<8>).unwrap(),
            want,
            "N = {n}"
        );
        assert_eq!(
            ex.run::<16, _, _, _>(&space, kernel::<16>).unwrap(),
            want,
            "N = {n}"
        );
        assert_eq!(
            ex.run::<64, _, _, _>(&space, kernel::<64>).unwrap(),
            want,
            "N = {n}"
        );
    }
}

#[test]
fn tail_lanes_of_inner_fields_hold_the_fill() {
    let space = ModelSpace::new(columns(5)).unwrap();
    let collected = space
        .collect_with::<4>(CollectOptions {
            n_pmap: 1,
            fill: -1.0,
        })
        .unwrap();
    let tail = collected.iter().nth(1).unwrap();
    assert_eq!(tail.valid(), 1);
    assert_eq!(tail.coupling.g.to_array(), [14.0, -1.0, -1.0, -1.0]);
    assert_eq!(tail.coupling.delay.to_array(), [-4.0, -1.0, -1.0, -1.0]);
    assert_eq!(tail.lane(0), Some(point(4)));
    assert_eq!(tail.index(), 4);
}

#[test]
fn nan_in_an_inner_column_reaches_the_kernel_and_the_summary() {
    let mut columns = columns(3);
    columns.coupling.g[1] = f32::NAN;
    let space = ModelSpace::new(columns).unwrap();
    let out = Executor::sequential()
        .run::<4, _, _, _>(&space, |p: ModelLanes<'_, 4>| p.coupling.g)
        .unwrap();
    assert!(out[1].is_nan());
    assert_eq!((out[0], out[2]), (10.0, 12.0));
    assert_eq!(
        space.to_string(),
        "ModelSpace: 3 points\n\
         \x20 eta             f32       0.0 to 2.0\n\
         \x20 coupling.g      f32       10.0 to 12.0  (1 NaN)\n\
         \x20 coupling.delay  f32       -2.0 to -0.0\n\
         \x20 weights         Vec<f32>  fixed [0.5, 0.25]"
    );
}

/// A struct without fixed fields is what a kernel returns: nested too.
#[derive(DataSpace, Clone, Debug, PartialEq)]
struct Out {
    energy: f32,
    #[space(flatten)]
    coupling: Coupling,
}

#[test]
fn a_kernel_returns_lanes_of_a_struct_with_a_flattened_field() {
    let space = ModelSpace::new(columns(11)).unwrap();
    let out: OutSpace = Executor::parallel()
        .run::<8, _, _, _>(&space, |p: ModelLanes<'_, 8>| {
            OutLanes::new(p.eta, CouplingLanes::new(p.coupling.delay, p.coupling.g))
        })
        .unwrap();
    assert_eq!(out.len(), 11);
    assert_eq!(
        out.get(7),
        Some(Out {
            energy: 7.0,
            coupling: Coupling {
                g: -7.0,
                delay: 17.0
            }
        })
    );
}

fn axes() -> ModelAxes {
    ModelAxes {
        eta: Axis::values([1.0, 2.0]),
        coupling: CouplingAxes {
            g: Axis::values([10.0, 20.0, 30.0]),
            delay: Axis::values([0.5, 1.5]),
        },
        weights: vec![1.0],
    }
}

#[test]
fn designs_name_inner_fields_by_their_dotted_path() {
    assert_eq!(ModelAxes::FIELDS, ["eta", "coupling.g", "coupling.delay"]);
    assert_eq!(ModelDesign::FIELDS, ModelAxes::FIELDS);
    let design = ModelDesign::product(axes()).unwrap();
    assert_eq!(design.len(), 12);
    // C order over the leaves: `coupling.delay`, the last, fastest.
    let p = design.get(3).unwrap();
    assert_eq!((p.eta, p.coupling.g, p.coupling.delay), (1.0, 20.0, 1.5));
    let p = design.get(11).unwrap();
    assert_eq!((p.eta, p.coupling.g, p.coupling.delay), (2.0, 30.0, 1.5));
    assert_eq!(
        design.to_space().unwrap().iter().collect::<Vec<_>>(),
        design.iter().collect::<Vec<_>>()
    );
    assert_eq!(
        design.to_string(),
        "ModelDesign: 12 points, product of eta (2) x coupling.g (3) x coupling.delay (2)\n\
         \x20 eta             f32       Values([1.0, 2.0])\n\
         \x20 coupling.g      f32       Values([10.0, 20.0, 30.0])\n\
         \x20 coupling.delay  f32       Values([0.5, 1.5])\n\
         \x20 weights         Vec<f32>  fixed [1.0]"
    );
}

#[test]
fn groups_and_zip_take_dotted_names() {
    let mut axes = axes();
    axes.coupling.delay = Axis::values([0.5, 1.5, 2.5]);
    let design =
        ModelDesign::groups(axes.clone(), &[&["coupling.g", "coupling.delay"], &["eta"]]).unwrap();
    assert_eq!(design.len(), 6);
    let p = design.get(3).unwrap(); // pair 1, eta 1
    assert_eq!((p.eta, p.coupling.g, p.coupling.delay), (2.0, 20.0, 1.5));
    assert_eq!(
        ModelDesign::groups(axes.clone(), &[&["coupling"], &["eta"]]).err(),
        Some(DesignError::UnknownField {
            field: "coupling".into()
        })
    );
    assert_eq!(
        ModelDesign::groups(axes.clone(), &[&["eta", "coupling.g"]]).err(),
        Some(DesignError::MissingField {
            field: "coupling.delay"
        })
    );
    let error = ModelDesign::zip(axes).err().unwrap();
    assert_eq!(
        error,
        DesignError::ZipLengths {
            field: "coupling.g",
            len: 3,
            expected: 2,
            expected_from: "eta"
        }
    );
}

#[test]
fn an_invalid_inner_axis_is_named_by_its_dotted_path() {
    let mut axes = axes();
    axes.coupling.delay = Axis::linspace(0.0, f32::NAN, 3);
    let error = ModelDesign::product(axes).err().unwrap();
    assert!(
        matches!(
            error,
            DesignError::InvalidAxis {
                field: "coupling.delay",
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn random_designs_draw_each_inner_field() {
    let axes = ModelAxes {
        eta: Axis::value(1.0),
        coupling: CouplingAxes {
            g: Axis::uniform(0.0, 1.0),
            delay: Axis::uniform(5.0, 6.0),
        },
        weights: vec![],
    };
    let design = ModelDesign::random(100, Sampler::LatinHypercube, 3, axes.clone()).unwrap();
    assert!(design.iter().all(|p| p.eta == 1.0
        && (0.0..1.0).contains(&p.coupling.g)
        && (5.0..6.0).contains(&p.coupling.delay)));
    // Latin hypercube per leaf: one `g` in each hundredth.
    let mut strata: Vec<usize> = design
        .iter()
        .map(|p| (p.coupling.g * 100.0) as usize)
        .collect();
    strata.sort();
    assert_eq!(strata, (0..100).collect::<Vec<_>>());
    let sobol = ModelDesign::random(64, Sampler::Sobol, 3, axes).unwrap();
    assert_eq!(sobol.get(5), sobol.to_space().unwrap().get(5));
    let thinned = sobol.strided(1..64, 7).unwrap();
    assert_eq!(thinned.get(2), sobol.get(15));
}

#[test]
fn design_packs_equal_design_points_at_every_width() {
    let design = ModelDesign::product(axes()).unwrap();
    let want: Vec<f32> = design
        .iter()
        .map(|p| p.eta * p.coupling.g + p.coupling.delay * p.weights[0])
        .collect();
    let ex = Executor::sequential();
    assert_eq!(ex.run::<4, _, _, _>(&design, kernel::<4>).unwrap(), want);
    assert_eq!(ex.run::<8, _, _, _>(&design, kernel::<8>).unwrap(), want);
    assert_eq!(ex.run::<16, _, _, _>(&design, kernel::<16>).unwrap(), want);
    let pack = design.collect::<8>().iter().nth(1).unwrap();
    assert_eq!(pack.valid(), 4);
    assert_eq!(pack.lane(3), design.get(11));
}

fn temp(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("dataspace-flatten-{}-{name}", std::process::id()))
}

#[test]
fn csv_headers_are_dotted_and_read_back_into_the_nested_struct() {
    let space = ModelSpace::new(columns(3)).unwrap();
    let mut out = Vec::new();
    write_csv(&mut out, &[&space]).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(
        text,
        "eta,coupling.g,coupling.delay\n0.0,10.0,-0.0\n1.0,11.0,-1.0\n2.0,12.0,-2.0\n"
    );
    let back = ModelSpace::read_csv(
        text.as_bytes(),
        ModelFixed {
            weights: vec![0.5, 0.25],
        },
    )
    .unwrap();
    assert_eq!(
        back.iter().collect::<Vec<_>>(),
        space.iter().collect::<Vec<_>>()
    );
    // Columns in any order, by their dotted names.
    let shuffled = "coupling.delay,eta,coupling.g\n-7,1,2\n";
    let back = ModelSpace::read_csv(shuffled.as_bytes(), ModelFixed { weights: vec![] }).unwrap();
    assert_eq!(
        back.get(0).unwrap().coupling,
        Coupling {
            g: 2.0,
            delay: -7.0
        }
    );
    // The inner struct's own names are not the outer's columns.
    let bare = "eta,g,delay\n1,2,3\n";
    let error = ModelSpace::read_csv(bare.as_bytes(), ModelFixed { weights: vec![] })
        .err()
        .unwrap();
    assert!(error.to_string().contains("coupling.g"), "{error}");
}

#[test]
fn npy_and_npz_columns_are_named_by_dotted_paths() {
    let space = ModelSpace::new(columns(4)).unwrap();
    let dir = temp("npy");
    write_npy(&dir, &[&space]).unwrap();
    assert_eq!(
        read_npy::<f32>(&dir.join("coupling.g.npy")).unwrap(),
        [10.0, 11.0, 12.0, 13.0]
    );
    assert_eq!(
        read_npy::<f32>(&dir.join("coupling.delay.npy")).unwrap(),
        [0.0, -1.0, -2.0, -3.0]
    );
    std::fs::remove_dir_all(&dir).unwrap();
    let file = temp("all.npz");
    write_npz(&file, &[&space]).unwrap();
    assert_eq!(
        read_npz::<f32>(&file, "coupling.delay").unwrap(),
        [0.0, -1.0, -2.0, -3.0]
    );
    std::fs::remove_file(&file).unwrap();
}

#[test]
fn the_csv_sink_writes_dotted_headers() {
    let design = ModelDesign::product(axes()).unwrap();
    let file = temp("sink.csv");
    let mut sink = CsvSink::create(&file, "y").unwrap();
    Executor::parallel()
        .run_into::<8, _, _, _, _>(&design, kernel::<8>, &mut sink)
        .unwrap();
    let written = std::fs::read_to_string(&file).unwrap();
    let out = Executor::parallel()
        .run::<8, _, _, _>(&design, kernel::<8>)
        .unwrap();
    let mut want = Vec::new();
    write_csv(&mut want, &[&design, &Column::new("y", &out)]).unwrap();
    assert!(
        written.starts_with("eta,coupling.g,coupling.delay,y\n"),
        "{written}"
    );
    assert_eq!(written.as_bytes(), want);
    std::fs::remove_file(&file).unwrap();
}

// Three levels, arrays and every scalar kind on the way down.
#[derive(DataSpace, Clone, Debug, PartialEq)]
struct Leaf {
    z: i32,
    w: [f64; 2],
}

#[derive(DataSpace, Clone, Debug, PartialEq)]
struct Mid {
    y: u32,
    #[space(flatten)]
    c: Leaf,
}

#[derive(DataSpace, Clone, Debug, PartialEq)]
struct Top {
    #[space(flatten)]
    b: Mid,
    x: f32,
}

#[derive(DataSpace, Clone, Debug, PartialEq)]
struct Deep {
    #[space(flatten)]
    a: Top,
    #[space(fixed)]
    label: &'static str,
}

fn deep(n: usize) -> DeepSpace {
    DeepSpace::new(DeepColumns {
        a: TopColumns {
            b: MidColumns {
                y: (0..n as u32).collect(),
                c: LeafColumns {
                    z: (0..n as i32).map(|i| -i).collect(),
                    w: (0..n).map(|i| [i as f64, 0.5]).collect(),
                },
            },
            x: (0..n).map(|i| i as f32 * 0.25).collect(),
        },
        label: "deep",
    })
    .unwrap()
}

fn deep_point(i: usize) -> Deep {
    Deep {
        a: Top {
            b: Mid {
                y: i as u32,
                c: Leaf {
                    z: -(i as i32),
                    w: [i as f64, 0.5],
                },
            },
            x: i as f32 * 0.25,
        },
        label: "deep",
    }
}

#[test]
fn three_levels_nest_names_columns_points_and_packs() {
    assert_eq!(DeepAxes::FIELDS, ["a.b.y", "a.b.c.z", "a.b.c.w", "a.x"]);
    let space = deep(9);
    assert_eq!(space.get(8), Some(deep_point(8)));
    assert_eq!(space.columns().a.b.c.w[0][3], 3.0);
    let mut header = Vec::new();
    <Deep as dataspace::io::Record>::header(&mut header);
    assert_eq!(
        header,
        ["a.b.y", "a.b.c.z", "a.b.c.w[0]", "a.b.c.w[1]", "a.x"]
    );
    // i32, u32 and f64 have 8-lane packs; 9 points: a tail of one.
    let sums = Executor::parallel()
        .run::<8, _, _, _>(&space, |p: DeepLanes<'_, 8>| {
            let z: [i32; 8] = p.a.b.c.z.to_array();
            let w: [f64; 8] = p.a.b.c.w[0].to_array();
            let y: [u32; 8] = p.a.b.y.to_array();
            F64::<8>::from_array(std::array::from_fn(|k| {
                f64::from(z[k]) + w[k] + f64::from(y[k])
            }))
        })
        .unwrap();
    assert_eq!(sums, (0..9).map(|i| i as f64).collect::<Vec<_>>());
    let mut text = Vec::new();
    write_csv(&mut text, &[&space]).unwrap();
    let back = DeepSpace::read_csv(&text[..], DeepFixed { label: "deep" }).unwrap();
    assert_eq!(
        back.iter().collect::<Vec<_>>(),
        space.iter().collect::<Vec<_>>()
    );
}

#[test]
fn three_levels_check_every_column_and_name_the_deepest() {
    let mut columns = DeepColumns {
        a: TopColumns {
            b: MidColumns {
                y: vec![1, 2],
                c: LeafColumns {
                    z: vec![1, 2],
                    w: vec![[0.0; 2]],
                },
            },
            x: vec![0.0, 1.0],
        },
        label: "",
    };
    let error = DeepSpace::new(columns.clone()).err().unwrap();
    assert_eq!(
        error,
        ShapeError::LengthMismatch {
            space: "Deep",
            field: "a.b.c.w",
            found: 1,
            expected: 2,
            expected_from: "a.b.y",
        }
    );
    columns.a.b.c.w.push([1.0; 2]);
    columns.a.x.clear();
    let error = DeepSpace::new(columns).err().unwrap();
    assert!(matches!(
        error,
        ShapeError::LengthMismatch {
            field: "a.x",
            found: 0,
            ..
        }
    ));
}

#[test]
fn three_level_designs_number_leaves_in_declaration_order() {
    let axes = DeepAxes {
        a: TopAxes {
            b: MidAxes {
                y: Axis::values([1, 2]),
                c: LeafAxes {
                    z: Axis::value(-1),
                    w: Axis::values([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]),
                },
            },
            x: Axis::linspace(0.0, 1.0, 2),
        },
        label: "d",
    };
    let design = DeepDesign::groups(axes, &[&["a.x"], &["a.b.c.w"], &["a.b.y", "a.b.c.z"]]);
    assert!(matches!(
        design,
        Err(DesignError::ZipLengths {
            field: "a.b.c.z",
            ..
        })
    ));
}

/// Flattened only: the outer struct stores no column of its own.
#[derive(DataSpace, Clone, Debug, PartialEq)]
struct Wrapper {
    #[space(flatten)]
    r#type: Coupling,
}

#[test]
fn a_struct_of_flattened_fields_only_and_raw_identifiers() {
    let space = WrapperSpace::from_arrays(WrapperArrays {
        r#type: CouplingArrays {
            g: [1.0, 2.0, 3.0],
            delay: [0.0; 3],
        },
    });
    assert_eq!(space.len(), 3);
    assert_eq!(WrapperAxes::FIELDS, ["type.g", "type.delay"]);
    let out = Executor::sequential()
        .run::<4, _, _, _>(&space, |p: WrapperLanes<'_, 4>| p.r#type.g * p.r#type.g)
        .unwrap();
    assert_eq!(out, [1.0, 4.0, 9.0]);
    assert_eq!(
        format!("{space:?}"),
        "WrapperSpace { len: 3, type: CouplingSpace { len: 3, g: [f32; 3], delay: [f32; 3] } }"
    );
}

// A field named `V` (the generated const parameter) is not snake case: the
// module allows it for the generated items too.
#[allow(non_snake_case)]
mod shadowing {
    use super::*;

    /// Every parameter and local name of the generated `Flatten` code as a
    /// field name, inside and outside: none shadows another.
    #[derive(DataSpace, Clone, Debug, PartialEq)]
    struct Shadows {
        columns: f32,
        len: f32,
        space: f32,
        names: f32,
        f0: f32,
        expected_from: f32,
        axes: f32,
        plan: f32,
        index: f32,
        lanes: [f32; 2],
        block: f32,
        valid: f32,
        start: f32,
        end: f32,
        fill: f32,
        k: f32,
        points: f32,
        all: f32,
        step: f32,
        out: f32,
        load: f32,
        V: f32,
    }

    #[derive(DataSpace, Clone, Debug, PartialEq)]
    struct Around {
        #[space(flatten)]
        space: Shadows,
        #[space(flatten)]
        columns: Coupling,
    }

    #[test]
    fn generated_names_never_shadow_field_names() {
        let shadows = |x: f32| Shadows {
            columns: x,
            len: x + 1.0,
            space: x + 2.0,
            names: x + 3.0,
            f0: x + 4.0,
            expected_from: x + 5.0,
            axes: x + 6.0,
            plan: x + 7.0,
            index: x + 8.0,
            lanes: [x + 9.0, x + 10.0],
            block: x + 11.0,
            valid: x + 12.0,
            start: x + 13.0,
            end: x + 14.0,
            fill: x + 15.0,
            k: x + 16.0,
            points: x + 17.0,
            all: x + 18.0,
            step: x + 19.0,
            out: x + 20.0,
            load: x + 21.0,
            V: x + 22.0,
        };
        let points: Vec<Around> = (0..5)
            .map(|i| Around {
                space: shadows(i as f32 * 100.0),
                columns: Coupling {
                    g: i as f32,
                    delay: -1.0,
                },
            })
            .collect();
        let mut text = Vec::new();
        let header = {
            let mut header = Vec::new();
            <Around as dataspace::io::Record>::header(&mut header);
            header
        };
        assert_eq!(header.len(), 25);
        assert_eq!(header[0], "space.columns");
        assert_eq!(header[9], "space.lanes[0]");
        assert_eq!(header[24], "columns.delay");
        text.extend_from_slice(header.join(",").as_bytes());
        text.push(b'\n');
        for p in &points {
            let mut cells = Vec::new();
            dataspace::io::Record::cells(p, &mut cells);
            let cells: Vec<String> = cells.iter().map(|c| c.to_string()).collect();
            text.extend_from_slice(cells.join(",").as_bytes());
            text.push(b'\n');
        }
        let space = AroundSpace::read_csv(&text[..], AroundFixed {}).unwrap();
        assert_eq!(space.iter().collect::<Vec<_>>(), points);
        let copy = space.strided(1..5, 2).unwrap();
        assert_eq!(copy.get(1).as_ref(), points.get(3));
        let out: Vec<f32> = Executor::sequential()
            .run::<4, _, _, _>(&space, |p: AroundLanes<'_, 4>| {
                p.space.V + p.space.lanes[1] + p.columns.g
            })
            .unwrap();
        assert_eq!(
            out,
            points
                .iter()
                .map(|p| p.space.V + p.space.lanes[1] + p.columns.g)
                .collect::<Vec<_>>()
        );
        let pack = space.collect::<4>().iter().nth(1).unwrap();
        assert_eq!(pack.lane(0).as_ref(), points.get(4));
    }
}

#[test]
fn a_column_named_like_a_dotted_path_beside_the_space_is_a_duplicate_name_error() {
    let space = ModelSpace::new(columns(2)).unwrap();
    let extra = vec![0.0f32; 2];
    let mut out = Vec::new();
    let error = write_csv(&mut out, &[&space, &Column::new("coupling.g", &extra)])
        .err()
        .unwrap();
    assert!(error.to_string().contains("coupling.g"), "{error}");
    assert!(out.is_empty());
}

#[test]
fn slices_end_inner_packs_at_their_end_and_keep_point_indices() {
    let space = ModelSpace::new(columns(37)).unwrap();
    let slice = space.slice(5..22).unwrap();
    // A pack that straddles the slice's end: lanes past it hold the fill,
    // though the space has points there.
    let pack = slice
        .collect::<8>()
        .iter()
        .rfind(|p| p.valid() > 0)
        .unwrap();
    assert_eq!(pack.valid(), 1);
    assert_eq!(pack.index(), 21);
    assert_eq!(pack.coupling.g.to_array()[0], 31.0);
    assert!(pack.coupling.g.to_array()[1..].iter().all(|x| x.is_nan()));
    let want: Vec<f32> = expected(&space)[5..22].to_vec();
    for count in [1, 2, 5] {
        let mut got = Vec::new();
        for i in 0..count {
            let shard = space.shard(i, count).unwrap();
            got.extend(
                Executor::sequential()
                    .run::<8, _, _, _>(&shard, kernel::<8>)
                    .unwrap(),
            );
        }
        assert_eq!(got, expected(&space), "{count} shards");
    }
    assert_eq!(
        Executor::parallel()
            .run::<16, _, _, _>(&slice, kernel::<16>)
            .unwrap(),
        want
    );
}

mod elsewhere {
    use dataspace::prelude::*;

    /// Flattened by its path from another module.
    #[derive(DataSpace, Clone, Debug, PartialEq)]
    pub struct Noise {
        pub sigma: f64,
        pub seed: u32,
    }
}

#[derive(DataSpace, Clone, Debug, PartialEq)]
struct WithPath {
    #[space(flatten)]
    noise: elsewhere::Noise,
    x: f64,
}

#[test]
fn a_flattened_type_named_by_a_path_and_mixed_scalars() {
    let space = WithPathSpace::from_arrays(WithPathArrays {
        noise: elsewhere::NoiseArrays {
            sigma: [0.5, 1.5, 2.5],
            seed: [7, 8, 9],
        },
        x: [1.0, 2.0, 3.0],
    });
    let out = Executor::sequential()
        .run::<4, _, _, _>(&space, |p: WithPathLanes<'_, 4>| p.noise.sigma * p.x)
        .unwrap();
    assert_eq!(out, [0.5, 3.0, 7.5]);
    assert_eq!(space.get(2).unwrap().noise.seed, 9);
    assert_eq!(WithPathAxes::FIELDS, ["noise.sigma", "noise.seed", "x"]);
}
