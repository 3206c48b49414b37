// A kernel passed to `run_auto` without `widths!`: one `V` is no choice.
use dataspace::prelude::*;

#[derive(DataSpace, Clone, Debug)]
struct P {
    x: f32,
}

fn double<const V: usize>(p: PLanes<'_, V>) -> F32<V>
where
    f32: Float<V>,
{
    p.x + p.x
}

fn main() {
    let space = PSpace::new(PColumns { x: vec![1.0; 4] }).unwrap();
    let _ = Executor::parallel().run_auto(&space, double::<16>);
}
