use dataspace::DataSpace;

#[derive(DataSpace)]
struct Coupling {
    g: f32,
    #[space(fixed)]
    weights: Vec<f32>,
}

#[derive(DataSpace)]
struct Model {
    eta: f32,
    #[space(flatten)]
    coupling: Coupling,
}

fn main() {}
