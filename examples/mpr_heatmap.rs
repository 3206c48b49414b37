//! A picture of the Montbrió–Pazó–Roxin model: mean firing rate over a
//! 256 x 256 product design of eta in [-6, -3] and J in [5, 25] (Delta = 1,
//! otherwise W1's settings: 1,000 Euler steps from r = 0.1, v = -2, mean r
//! over the last 500), written to `mpr_heatmap.png` and `mpr_heatmap.csv`.
//!
//! ```text
//! cargo run --release --example mpr_heatmap
//! ```
//!
//! The text of the picture uses DejaVu Sans from `/usr/share/fonts` (Debian's
//! `fonts-dejavu-core`), or the TTF file named by `$DATASPACE_FONT`.

#[path = "../tests/common/mpr.rs"]
mod mpr;

use dataspace::Axis;
use dataspace::io::{Column, write_csv};
use dataspace::prelude::*;
use mpr::*;
use plotters::prelude::*;
use plotters::style::colors::colormaps::ViridisRGB;

const SIDE: usize = 256;
const ETA: (f32, f32) = (-6.0, -3.0);
const J: (f32, f32) = (5.0, 25.0);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // eta is declared before j, so j varies fastest: point i = eta index * 256 + j index.
    let design = MprDesign::product(MprAxes {
        eta: Axis::linspace(ETA.0, ETA.1, SIDE),
        j: Axis::linspace(J.0, J.1, SIDE),
        delta: Axis::value(1.0),
        steps: W1_STEPS,
    })?;
    let executor = Executor::parallel().progress_bar();
    let start = std::time::Instant::now();
    let rates = executor.run_auto(&design, widths!(w1_kernel))?;
    println!(
        "{} points x {W1_STEPS} steps in {:.1} ms on {} threads",
        design.len(),
        start.elapsed().as_secs_f64() * 1e3,
        executor.thread_count()
    );

    write_csv(
        std::fs::File::create("mpr_heatmap.csv")?,
        &[&design, &Column::new("mean_r", &rates)],
    )?;
    draw("mpr_heatmap.png", &rates)?;
    let high = rates.iter().filter(|&&r| r > 0.5).count();
    println!(
        "wrote mpr_heatmap.png and mpr_heatmap.csv; {high} of {} points in the high-activity state",
        rates.len()
    );
    Ok(())
}

fn font() -> Result<&'static [u8], Box<dyn std::error::Error>> {
    let path = std::env::var("DATASPACE_FONT")
        .unwrap_or_else(|_| "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf".into());
    let bytes = std::fs::read(&path)
        .map_err(|e| format!("font {path}: {e} (set DATASPACE_FONT to a .ttf file)"))?;
    Ok(Box::leak(bytes.into_boxed_slice()))
}

fn draw(path: &str, rates: &[f32]) -> Result<(), Box<dyn std::error::Error>> {
    plotters::style::register_font("sans-serif", FontStyle::Normal, font()?)
        .map_err(|_| "not a font file")?;
    let (lo, hi) = rates
        .iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &r| {
            (lo.min(r), hi.max(r))
        });
    // Rates span two decades; a log scale shows both the quiet and the active state.
    let shade = |r: f32| ViridisRGB::get_color_normalized(r.ln(), lo.ln(), hi.ln());

    let root = BitMapBackend::new(path, (900, 720)).into_drawing_area();
    root.fill(&WHITE)?;
    let (plot, bar) = root.split_horizontally(780);
    let mut chart = ChartBuilder::on(&plot)
        .caption(
            "Montbrió–Pazó–Roxin: mean firing rate r (Delta = 1)",
            ("sans-serif", 22),
        )
        .margin(12)
        .x_label_area_size(50)
        .y_label_area_size(60)
        .build_cartesian_2d(ETA.0..ETA.1, J.0..J.1)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc("eta (excitability)")
        .y_desc("J (synaptic weight)")
        .label_style(("sans-serif", 16))
        .axis_desc_style(("sans-serif", 18))
        .draw()?;
    let (d_eta, d_j) = (
        (ETA.1 - ETA.0) / (SIDE - 1) as f32,
        (J.1 - J.0) / (SIDE - 1) as f32,
    );
    chart.draw_series((0..SIDE * SIDE).map(|i| {
        let (e, j) = (i / SIDE, i % SIDE);
        let (x, y) = (ETA.0 + e as f32 * d_eta, J.0 + j as f32 * d_j);
        Rectangle::new(
            [
                (x - d_eta / 2.0, y - d_j / 2.0),
                (x + d_eta / 2.0, y + d_j / 2.0),
            ],
            shade(rates[i]).filled(),
        )
    }))?;

    // The colour bar: the same colour map over the range of r, log-spaced ticks.
    let mut legend = ChartBuilder::on(&bar)
        .margin_top(50)
        .margin_bottom(62)
        .margin_right(10)
        .y_label_area_size(55)
        .build_cartesian_2d(0f32..1f32, (lo..hi).log_scale())?;
    legend
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .y_desc("mean r")
        .label_style(("sans-serif", 14))
        .axis_desc_style(("sans-serif", 16))
        .draw()?;
    let steps = 200;
    legend.draw_series((0..steps).map(|k| {
        let (a, b) = (k as f32 / steps as f32, (k + 1) as f32 / steps as f32);
        let (ra, rb) = (
            (lo.ln() + a * (hi.ln() - lo.ln())).exp(),
            (lo.ln() + b * (hi.ln() - lo.ln())).exp(),
        );
        Rectangle::new([(0.0, ra), (1.0, rb)], shade(ra).filled())
    }))?;
    root.present()?;
    Ok(())
}
