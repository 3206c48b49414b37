use dataspace::DataSpace;

#[derive(DataSpace)]
struct Model {
    #[space(shared)]
    dt: f32,
    eta: f32,
}

fn main() {}
