use dataspace::DataSpace;

struct Handle;

#[derive(DataSpace)]
struct Model {
    eta: f32,
    #[space(fixed)]
    handle: Handle,
}

fn main() {}
