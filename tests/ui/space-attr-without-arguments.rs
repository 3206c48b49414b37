use dataspace::DataSpace;

#[derive(DataSpace)]
struct Model {
    #[space]
    dt: f32,
    eta: f32,
}

fn main() {}
