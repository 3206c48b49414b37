use dataspace::DataSpace;

#[derive(DataSpace)]
struct Coupling {
    g: f32,
}

#[derive(DataSpace)]
struct Model {
    eta: f32,
    #[space(flatten)]
    array: [Coupling; 2],
    #[space(flatten)]
    tuple: (f32, f32),
    #[space(flatten)]
    reference: &'static Coupling,
    #[space(flatten)]
    scalar: f32,
}

fn main() {}
