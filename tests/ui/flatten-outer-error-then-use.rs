use dataspace::DataSpace;

#[derive(DataSpace)]
struct Coupling {
    g: f32,
}

// The outer struct's mistake is its one error: its stubs still take the
// flattened field's own input, so the use below adds none.
#[derive(DataSpace)]
struct Model {
    eta: f32,
    name: String,
    #[space(flatten)]
    coupling: Coupling,
}

fn main() {
    let _ = ModelColumns {
        eta: vec![1.0],
        name: String::new(),
        coupling: CouplingColumns { g: vec![1.0] },
    };
}
