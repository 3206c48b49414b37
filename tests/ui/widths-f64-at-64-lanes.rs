// `widths!(kernel)` tries V = 64, which `f64` has no pack for: name the
// widths, `widths!(kernel; 4, 8, 16, 32)`.
use dataspace::prelude::*;

#[derive(DataSpace, Clone, Debug)]
struct P {
    x: f64,
}

fn double<const V: usize>(p: PLanes<'_, V>) -> F64<V>
where
    f64: Float<V>,
{
    p.x + p.x
}

fn main() {
    let space = PSpace::new(PColumns { x: vec![1.0; 4] }).unwrap();
    let _ = Executor::parallel().run_auto(&space, widths!(double));
}
