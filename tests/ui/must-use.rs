// Builders, views and constructors whose result is dropped are bugs (a
// configuration that configures nothing, a layout never read): they are
// `#[must_use]`, so a crate that denies `unused_must_use` rejects them.
#![deny(unused_must_use)]
use dataspace::prelude::*;

#[derive(DataSpace, Clone, Debug)]
struct P {
    x: f32,
}

fn main() {
    let executor = Executor::default();
    executor.n_pmap(4);
    let space = PSpace::from_arrays(PArrays { x: [1.0, 2.0] });
    space.collect::<8>();
    space.columns();
    dataspace::Axis::linspace(0.0f32, 1.0, 3);
}
