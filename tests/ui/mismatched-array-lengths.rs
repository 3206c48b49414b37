use dataspace::DataSpace;

#[derive(DataSpace)]
struct Model {
    eta: f32,
    j: f32,
}

fn main() {
    let _space = ModelSpace::from_arrays(ModelArrays::<3> {
        eta: [-5.0, -4.0, -3.0],
        j: [15.0, 16.0],
    });
}
