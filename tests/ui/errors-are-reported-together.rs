use dataspace::DataSpace;

#[derive(DataSpace)]
struct Model<T> {
    #[space(fixed, shared)]
    dt: f32,
    name: String,
    extra: T,
}

fn main() {}
