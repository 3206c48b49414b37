use dataspace::DataSpace;
use std::cell::Cell;

#[derive(DataSpace)]
struct Model {
    eta: f32,
    #[space(fixed)]
    counter: Cell<u32>,
}

fn main() {}
