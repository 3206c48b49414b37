use dataspace::prelude::*;

#[derive(DataSpace)]
struct Model {
    count: i32,
}

fn main() {
    let space = ModelSpace::from_arrays(ModelArrays { count: [1, 2] });
    let _ = space.collect_with::<3>(CollectOptions::default());
}
