use dataspace::DataSpace;

#[derive(DataSpace)]
struct Model {
    eta: f32,
    name: String,
    trace: Vec<f32>,
    pair: (f32, f32),
    wide: [u8; 4],
}

fn main() {}
