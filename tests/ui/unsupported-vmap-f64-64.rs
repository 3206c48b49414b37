use dataspace::prelude::*;

#[derive(DataSpace)]
struct Model {
    eta: f32,
    delta: f64,
}

fn main() {
    let space = ModelSpace::from_arrays(ModelArrays { eta: [1.0], delta: [0.5] });
    let _ = space.collect::<64>();
}
