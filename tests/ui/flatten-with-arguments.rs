use dataspace::DataSpace;

#[derive(DataSpace)]
struct Coupling {
    g: f32,
}

#[derive(DataSpace)]
struct Model {
    eta: f32,
    #[space(flatten(prefix = "c"))]
    coupling: Coupling,
    #[space(flatten = "d")]
    other: Coupling,
}

fn main() {}
