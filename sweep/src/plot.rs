//! The sweep's plots: the job's main figure against each swept key whose values are numbers (or
//! durations), one line per combination of the other keys' values, and accuracy against energy
//! with its Pareto front where a job measures both, as SVG.

use crate::results::{Rows, SweepSpec};
use crate::spec::Axis;
use anyhow::{Context, Result};
use cimtile_tile::aging::parse_age;
use plotters::coord::combinators::IntoLogRange;
use plotters::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The figures of the Pareto plot: more accuracy for less energy is better.
const ACCURACY: &str = "accuracy";
const ENERGY: &str = "energy_pj_per_image";
/// The most lines a plot names in its legend.
const MAX_LEGEND: usize = 16;

/// One SVG per numeric or duration swept key with two or more values:
/// `DIR/<figure>-vs-<key>.svg`; and `DIR/accuracy-vs-energy_pj_per_image.svg` when the job
/// measures both.
pub fn plots(dir: &Path, spec: &SweepSpec, rows: &Rows) -> Result<Vec<PathBuf>> {
    let column = figure_column(spec, &spec.main_figure).expect("the main figure is a figure");
    let mut written = Vec::new();
    for (a, axis) in spec.axes.iter().enumerate() {
        let Some(scale) = XScale::of(axis) else {
            continue;
        };
        // Lines by the other keys' values; points (x, figure) sorted by x.
        let mut lines: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
        for row in rows.values() {
            let (Some(x), Ok(y)) = (scale.position(&row[1 + a]), row[column].parse::<f64>()) else {
                continue;
            };
            lines
                .entry(label(spec, row, |b| b != a))
                .or_default()
                .push((x, y));
        }
        lines
            .values_mut()
            .for_each(|l| l.sort_by(|p, q| p.0.total_cmp(&q.0)));
        let path = dir.join(format!("{}-vs-{}.svg", spec.main_figure, axis.key));
        draw(&path, &spec.main_figure, &axis.key, &scale, &lines)
            .with_context(|| format!("cannot draw '{}'", path.display()))?;
        written.push(path);
    }
    if let Some(fronts) = pareto_fronts(spec, rows) {
        let path = dir.join(format!("{ACCURACY}-vs-{ENERGY}.svg"));
        draw_pareto(&path, &fronts).with_context(|| format!("cannot draw '{}'", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// The results.csv column of `figure`.
fn figure_column(spec: &SweepSpec, figure: &str) -> Option<usize> {
    spec.figures
        .iter()
        .position(|f| f == figure)
        .map(|i| 1 + spec.axes.len() + i)
}

/// `key=value, ...` of a row's swept values at the axes that `keep` selects (paths by file name).
fn label(spec: &SweepSpec, row: &[String], keep: impl Fn(usize) -> bool) -> String {
    let parts: Vec<String> = spec
        .axes
        .iter()
        .enumerate()
        .filter(|&(b, _)| keep(b))
        .map(|(b, axis)| format!("{}={}", axis.key, short(&row[1 + b])))
        .collect();
    parts.join(", ")
}

/// How a swept key's values lie on the x axis.
enum XScale {
    /// Numbers, at their value.
    Numbers,
    /// Durations (`age=1h,1d,1y`): evenly spaced in the order given, labelled as written, since
    /// they span decades and may start at 0.
    Durations(Vec<String>),
}

impl XScale {
    /// None for a key with fewer than two values or values that are neither.
    fn of(axis: &Axis) -> Option<XScale> {
        if axis.values.len() < 2 {
            None
        } else if axis.values.iter().all(|v| v.parse::<f64>().is_ok()) {
            Some(XScale::Numbers)
        } else if axis.values.iter().all(|v| parse_age(v).is_ok()) {
            Some(XScale::Durations(axis.values.clone()))
        } else {
            None
        }
    }

    fn position(&self, value: &str) -> Option<f64> {
        match self {
            XScale::Numbers => value.parse().ok(),
            XScale::Durations(values) => values.iter().position(|v| v == value).map(|i| i as f64),
        }
    }

    /// The tick label at x: `{}` prints 3.0 as 3, so integer keys get integer ticks.
    fn tick(&self, x: f64) -> String {
        match self {
            XScale::Numbers => format!("{x}"),
            XScale::Durations(values) => values
                .get(x.round() as usize)
                .filter(|_| (x - x.round()).abs() < 1e-6)
                .cloned()
                .unwrap_or_default(),
        }
    }
}

/// The points of one group of a Pareto plot and the indices of its front, by energy.
pub struct ParetoGroup {
    /// The group's values of the non-numeric swept keys (`key=value, ...`; empty if none).
    pub label: String,
    /// (energy in pJ per image, accuracy 0 to 1, point index).
    pub points: Vec<(f64, f64, usize)>,
    /// Indices into `points` of the Pareto front, in order of energy.
    pub front: Vec<usize>,
}

/// Accuracy against energy, one group per combination of the swept keys whose values are not
/// numbers (the models, calibration, ages), its points the tile choices (the numeric keys): None
/// unless the job measures both figures and some numeric key is swept.
pub fn pareto_fronts(spec: &SweepSpec, rows: &Rows) -> Option<Vec<ParetoGroup>> {
    let (accuracy, energy) = (figure_column(spec, ACCURACY)?, figure_column(spec, ENERGY)?);
    let categorical = |b: usize| {
        spec.axes[b]
            .values
            .iter()
            .any(|v| v.parse::<f64>().is_err())
    };
    if (0..spec.axes.len()).all(categorical) {
        return None;
    }
    let mut groups: BTreeMap<String, Vec<(f64, f64, usize)>> = BTreeMap::new();
    for (&index, row) in rows {
        let (Ok(e), Ok(a)) = (row[energy].parse::<f64>(), row[accuracy].parse::<f64>()) else {
            continue;
        };
        groups
            .entry(label(spec, row, categorical))
            .or_default()
            .push((e, a, index));
    }
    if groups.is_empty() {
        return None;
    }
    Some(
        groups
            .into_iter()
            .map(|(label, points)| {
                let front = pareto_front(&points.iter().map(|p| (p.0, p.1)).collect::<Vec<_>>());
                ParetoGroup {
                    label,
                    points,
                    front,
                }
            })
            .collect(),
    )
}

/// The indices of the points (energy, accuracy) that no other point beats, with less or equal
/// energy and more or equal accuracy (one of them strictly), in order of energy; of equal points
/// the first.
pub fn pareto_front(points: &[(f64, f64)]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..points.len()).collect();
    // By energy, then the most accurate first, so a point is on the front exactly when it is more
    // accurate than every point before it.
    order.sort_by(|&i, &j| {
        points[i]
            .0
            .total_cmp(&points[j].0)
            .then(points[j].1.total_cmp(&points[i].1))
            .then(i.cmp(&j))
    });
    let mut best = f64::NEG_INFINITY;
    order
        .into_iter()
        .filter(|&i| {
            let better = points[i].1 > best;
            best = best.max(points[i].1);
            better
        })
        .collect()
}

/// A value as a legend shows it: a path by its file name.
fn short(value: &str) -> &str {
    Path::new(value)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(value)
}

/// `lo..hi` padded by 5% (a flat line gets a unit-wide range).
fn padded(values: impl Iterator<Item = f64> + Clone) -> std::ops::Range<f64> {
    let lo = values.clone().fold(f64::INFINITY, f64::min);
    let hi = values.fold(f64::NEG_INFINITY, f64::max);
    let pad = if hi > lo { (hi - lo) * 0.05 } else { 0.5 };
    lo - pad..hi + pad
}

fn draw(
    path: &Path,
    figure: &str,
    key: &str,
    scale: &XScale,
    lines: &BTreeMap<String, Vec<(f64, f64)>>,
) -> Result<()> {
    let root = SVGBackend::new(path, (720, 480)).into_drawing_area();
    root.fill(&WHITE)?;
    let points = || lines.values().flatten();
    // More labels than this would cover the plot: then the caption counts the lines instead.
    let legend = lines.len() <= MAX_LEGEND;
    let caption = if legend {
        format!("{figure} vs {key}")
    } else {
        format!("{figure} vs {key} ({} lines)", lines.len())
    };
    let mut chart = ChartBuilder::on(&root)
        .caption(caption, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(padded(points().map(|p| p.0)), padded(points().map(|p| p.1)))?;
    let xs = points()
        .map(|p| p.0.to_bits())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    chart
        .configure_mesh()
        .x_labels(xs.clamp(2, 12))
        .x_label_formatter(&|x| scale.tick(*x))
        .x_desc(key)
        .y_desc(figure)
        .draw()?;
    for (i, (label, line)) in lines.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        chart
            .draw_series(LineSeries::new(line.iter().copied(), color.stroke_width(2)))?
            .label(if label.is_empty() { figure } else { label })
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
        chart.draw_series(line.iter().map(|&p| Circle::new(p, 3, color.filled())))?;
    }
    if !legend {
        root.present()?;
        return Ok(());
    }
    // The legend goes where the lines are high: lower right for rising lines, lower left else.
    let rising = lines
        .values()
        .next()
        .is_some_and(|l| l.last().map(|p| p.1) > l.first().map(|p| p.1));
    let corner = if rising {
        SeriesLabelPosition::LowerRight
    } else {
        SeriesLabelPosition::LowerLeft
    };
    chart
        .configure_series_labels()
        .position(corner)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

/// Accuracy against energy on a log axis: every point small, each group's front joined and large.
fn draw_pareto(path: &Path, groups: &[ParetoGroup]) -> Result<()> {
    let root = SVGBackend::new(path, (720, 480)).into_drawing_area();
    root.fill(&WHITE)?;
    let points = || groups.iter().flat_map(|g| &g.points);
    let lo = points().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let hi = points().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
    // A log axis needs a positive range of some width.
    let (lo, hi) = (lo.max(1e-9) / 1.1, hi.max(lo.max(1e-9) * 1.01) * 1.1);
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!("{ACCURACY} vs {ENERGY} (Pareto front joined)"),
            ("sans-serif", 20),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d((lo..hi).log_scale(), padded(points().map(|p| p.1)))?;
    chart
        .configure_mesh()
        .x_label_formatter(&|x| format!("{x:.0}"))
        .x_desc(ENERGY)
        .y_desc(ACCURACY)
        .draw()?;
    for (i, group) in groups.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        let front: Vec<(f64, f64)> = group
            .front
            .iter()
            .map(|&f| (group.points[f].0, group.points[f].1))
            .collect();
        chart.draw_series(
            group
                .points
                .iter()
                .map(|p| Circle::new((p.0, p.1), 2, color.mix(0.5).filled())),
        )?;
        chart
            .draw_series(LineSeries::new(
                front.iter().copied(),
                color.stroke_width(2),
            ))?
            .label(if group.label.is_empty() {
                "front"
            } else {
                &group.label
            })
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
        chart.draw_series(front.iter().map(|&p| Circle::new(p, 4, color.filled())))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_front_is_what_nothing_beats_in_order_of_energy() {
        // (energy, accuracy): 1 beats 0 (less energy, more accuracy); 3 ties 2 and comes later;
        // 4 costs more for less; 5 is the most accurate.
        let points = [
            (5.0, 0.5),
            (4.0, 0.6),
            (6.0, 0.8),
            (6.0, 0.8),
            (7.0, 0.7),
            (9.0, 0.9),
            (1.0, 0.1),
        ];
        assert_eq!(pareto_front(&points), [6, 1, 2, 5]);
        assert_eq!(pareto_front(&[]), Vec::<usize>::new());
        // Equal energy: only the most accurate.
        assert_eq!(pareto_front(&[(2.0, 0.3), (2.0, 0.4)]), [1]);
    }

    #[test]
    fn durations_lie_in_the_order_given() {
        let axis = Axis {
            key: "age".into(),
            values: vec!["0s".into(), "1h".into(), "10y".into()],
        };
        let scale = XScale::of(&axis).expect("durations plot");
        assert_eq!(scale.position("10y"), Some(2.0));
        assert_eq!(scale.tick(1.0), "1h");
        assert_eq!(scale.tick(0.5), "");
        assert!(XScale::of(&Axis {
            key: "calibrate".into(),
            values: vec!["off".into(), "on".into()]
        })
        .is_none());
        assert!(matches!(
            XScale::of(&Axis {
                key: "adc.bits".into(),
                values: vec!["3".into(), "4".into()]
            }),
            Some(XScale::Numbers)
        ));
    }
}
