use dataspace::DataSpace;

#[derive(DataSpace)]
#[space(fixed)]
struct Model {
    eta: f32,
}

fn main() {}
