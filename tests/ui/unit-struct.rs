use dataspace::DataSpace;

#[derive(DataSpace)]
struct Nothing;

fn main() {}
