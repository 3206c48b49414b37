use dataspace::DataSpace;

#[derive(DataSpace)]
struct Coupling {
    g: f32,
}

#[derive(DataSpace)]
struct Model {
    eta: f32,
    #[space(flatten, fixed)]
    coupling: Coupling,
    #[space(fixed)]
    #[space(flatten)]
    other: Coupling,
}

fn main() {}
