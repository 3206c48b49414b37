use dataspace::prelude::*;

#[derive(DataSpace)]
struct Model {
    eta: f32,
}

fn main() {
    let space = ModelSpace::from_arrays(ModelArrays { eta: [1.0, 2.0] });
    let _ = space.collect::<5>();
}
