use dataspace::DataSpace;

// The inner struct's mistake is reported once, at its field: the outer
// struct that flattens it adds no error of its own.
#[derive(DataSpace)]
struct Coupling {
    g: f32,
    name: String,
}

#[derive(DataSpace)]
struct Model {
    eta: f32,
    #[space(flatten)]
    coupling: Coupling,
}

fn main() {
    let _ = ModelColumns {
        eta: vec![1.0],
        coupling: CouplingColumns {
            g: vec![1.0],
            name: String::new(),
        },
    };
}
