use dataspace::DataSpace;

#[derive(DataSpace)]
struct Model {
    eta: f32,
    __dataspace_len: f32,
}

fn main() {}
