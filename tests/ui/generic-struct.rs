use dataspace::DataSpace;

#[derive(DataSpace)]
struct Model<T> {
    eta: f32,
    #[space(fixed)]
    extra: T,
}

fn main() {}
