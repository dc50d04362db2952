//! The sweep's plots: the job's main figure against each swept key whose values are numbers, one
//! line per combination of the other keys' values, as SVG.

use super::results::{Rows, SweepSpec};
use anyhow::{anyhow, Result};
use plotters::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One SVG per numeric swept key with two or more values: `DIR/<figure>-vs-<key>.svg`.
pub fn plots(dir: &Path, spec: &SweepSpec, rows: &Rows) -> Result<Vec<PathBuf>> {
    let column = 1 + spec.axes.len() + spec.figures.iter().position(|f| *f == spec.main_figure).expect("the main figure is a figure");
    let mut written = Vec::new();
    for (a, axis) in spec.axes.iter().enumerate() {
        let numeric = axis.values.iter().all(|v| v.parse::<f64>().is_ok());
        if !numeric || axis.values.len() < 2 {
            continue;
        }
        // Lines by the other keys' values; points (x, figure) sorted by x.
        let mut lines: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
        for row in rows.values() {
            let label: Vec<String> =
                spec.axes.iter().enumerate().filter(|&(b, _)| b != a).map(|(b, other)| format!("{}={}", other.key, short(&row[1 + b]))).collect();
            let (Ok(x), Ok(y)) = (row[1 + a].parse::<f64>(), row[column].parse::<f64>()) else { continue };
            lines.entry(label.join(", ")).or_default().push((x, y));
        }
        lines.values_mut().for_each(|l| l.sort_by(|p, q| p.0.total_cmp(&q.0)));
        let path = dir.join(format!("{}-vs-{}.svg", spec.main_figure, axis.key));
        draw(&path, &spec.main_figure, &axis.key, &lines).map_err(|e| anyhow!("cannot draw '{}': {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// A value as a legend shows it: a path by its file name.
fn short(value: &str) -> &str {
    Path::new(value).file_name().and_then(|n| n.to_str()).unwrap_or(value)
}

/// `lo..hi` padded by 5% (a flat line gets a unit-wide range).
fn padded(values: impl Iterator<Item = f64> + Clone) -> std::ops::Range<f64> {
    let lo = values.clone().fold(f64::INFINITY, f64::min);
    let hi = values.fold(f64::NEG_INFINITY, f64::max);
    let pad = if hi > lo { (hi - lo) * 0.05 } else { 0.5 };
    lo - pad..hi + pad
}

fn draw(path: &Path, figure: &str, key: &str, lines: &BTreeMap<String, Vec<(f64, f64)>>) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::new(path, (720, 480)).into_drawing_area();
    root.fill(&WHITE)?;
    let points = || lines.values().flatten();
    let mut chart = ChartBuilder::on(&root)
        .caption(format!("{figure} vs {key}"), ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(padded(points().map(|p| p.0)), padded(points().map(|p| p.1)))?;
    let xs = points().map(|p| p.0.to_bits()).collect::<std::collections::BTreeSet<_>>().len();
    // `{}` prints 3.0 as 3: integer keys get integer ticks.
    chart.configure_mesh().x_labels(xs.clamp(2, 12)).x_label_formatter(&|x| format!("{x}")).x_desc(key).y_desc(figure).draw()?;
    for (i, (label, line)) in lines.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        chart
            .draw_series(LineSeries::new(line.iter().copied(), color.stroke_width(2)))?
            .label(if label.is_empty() { figure } else { label })
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
        chart.draw_series(line.iter().map(|&p| Circle::new(p, 3, color.filled())))?;
    }
    // The legend goes where the lines are high: lower right for rising lines, lower left else.
    let rising = lines.values().next().is_some_and(|l| l.last().map(|p| p.1) > l.first().map(|p| p.1));
    let corner = if rising { SeriesLabelPosition::LowerRight } else { SeriesLabelPosition::LowerLeft };
    chart.configure_series_labels().position(corner).background_style(WHITE.mix(0.85)).border_style(BLACK).draw()?;
    root.present()?;
    Ok(())
}
