// One bad field: the derive reports it, and nothing else. The stubs it
// emits in place of the generated items keep every later use of them from
// adding errors of its own. A field no column can hold is stubbed as the
// fixed field it most likely was meant to be (`#[space(fixed)]` forgotten).
use dataspace::prelude::*;
use dataspace::{Axis, Executor};

#[derive(DataSpace, Clone, Debug)]
struct Model {
    eta: f32,
    name: String,
    #[space(fixed)]
    dt: f32,
}

fn main() {
    let space = ModelSpace::new(ModelColumns {
        eta: vec![1.0, 2.0],
        name: "a".into(),
        dt: 0.1,
    })
    .unwrap();
    let _ = space.len();
    let _ = space.columns();
    let _ = space.collect::<8>();
    let _ = ModelSpace::from_arrays(ModelArrays::<1> { eta: [1.0], name: "a".into(), dt: 0.1 });
    let design = ModelDesign::product(ModelAxes {
        eta: Axis::values([1.0, 2.0]),
        name: "a".into(),
        dt: 0.1,
    })
    .unwrap();
    let _ = design.to_space();
    let _: Vec<f32> = Executor::sequential()
        .run(&space, |lanes: ModelLanes<8>| lanes.valid() as f32 * F32::<8>::splat(1.0))
        .unwrap_or_default();
    let _ = ModelSpace::read_csv(&b""[..], ModelFixed { name: "a".into(), dt: 0.1 });
    println!("{space:?} {design:?}");
}
