use dataspace::DataSpace;

#[derive(DataSpace)]
struct Mpr(f32, f32);

fn main() {}
