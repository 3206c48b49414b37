use dataspace::DataSpace;

#[derive(DataSpace)]
enum Model {
    Mpr { eta: f32 },
    Jansen { a: f32 },
}

fn main() {}
