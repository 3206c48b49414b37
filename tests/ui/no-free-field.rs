use dataspace::DataSpace;

#[derive(DataSpace)]
struct AllShared {
    #[space(fixed)]
    dt: f32,
    #[space(fixed)]
    steps: u32,
}

fn main() {}
