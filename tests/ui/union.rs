use dataspace::DataSpace;

#[derive(DataSpace)]
union Bits {
    f: f32,
    u: u32,
}

fn main() {}
