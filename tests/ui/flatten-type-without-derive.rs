use dataspace::DataSpace;

#[derive(Clone)]
struct Coupling {
    g: f32,
}

#[derive(DataSpace)]
struct Model {
    eta: f32,
    #[space(flatten)]
    coupling: Coupling,
}

fn main() {}
