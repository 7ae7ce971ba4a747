//! Charts as SVG, drawn on the server with plotters (its SVG backend, no fonts needed: text is
//! left to the browser). Three kinds serve the dashboard: rows of stacked bars (one row per
//! channel), stacked columns over time, and dots over time in series. Legends and every figure are
//! written beside a chart in HTML (`pages::dashboard`), so nothing is said by colour alone.
//!
//! The colours are mid tones that read on the light and the dark theme alike; text and axes
//! are drawn in [`INK`] and come out as `currentColor`, so they follow the page's text colour.

use plotters::{
    prelude::*,
    style::{text_anchor::Pos, RGBColor},
};

/// A chart's size in SVG units; the page scales it to its column.
pub const WIDTH: u32 = 600;

/// The colour text and axes are drawn in: written as `currentColor` in the SVG.
const INK: RGBColor = RGBColor(1, 2, 3);
const GRID: RGBColor = RGBColor(128, 128, 128);

/// A drawing that could not be made (plotters' error, in words).
#[derive(Debug, thiserror::Error)]
#[error("the chart cannot be drawn: {0}")]
pub struct ChartError(String);

fn failed<E: std::fmt::Debug>(error: E) -> ChartError {
    ChartError(format!("{error:?}"))
}

/// One series of a chart: its colour (its name is the page's to write).
pub type Colour = RGBColor;

/// Rows of stacked horizontal bars: each row a label and one value per series, in `colours`'
/// order. Its height follows the rows.
pub fn stacked_rows(rows: &[(String, Vec<i64>)], colours: &[Colour]) -> Result<String, ChartError> {
    let height = 40 + 34 * rows.len().max(1) as u32;
    let max = rows
        .iter()
        .map(|(_, values)| values.iter().sum::<i64>())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    draw(height, |root| {
        let label_width = rows
            .iter()
            .map(|(label, _)| label.chars().count())
            .max()
            .unwrap_or(4)
            .clamp(4, 26) as u32
            * 8;
        let mut chart = ChartBuilder::on(root)
            .margin(8)
            .x_label_area_size(24)
            .y_label_area_size(label_width + 8)
            .build_cartesian_2d(0f64..max * 1.05, 0f64..rows.len().max(1) as f64)
            .map_err(failed)?;
        let labels: Vec<&str> = rows.iter().map(|(l, _)| l.as_str()).collect();
        house_style(chart.configure_mesh().disable_y_mesh())
            .y_labels(rows.len().max(1) * 2 + 1)
            .y_label_formatter(&|y| {
                bucket_at(*y)
                    .and_then(|i| labels.get(labels.len().checked_sub(1 + i)?))
                    .map(|l| (*l).to_owned())
                    .unwrap_or_default()
            })
            .x_label_formatter(&|x| whole(*x))
            .draw()
            .map_err(failed)?;
        // The first row on top.
        let count = rows.len();
        chart
            .draw_series(rows.iter().enumerate().flat_map(|(i, (_, values))| {
                let y = (count - 1 - i) as f64;
                stack(values.iter().copied().zip(colours.iter().copied())).map(
                    move |(from, to, colour)| {
                        Rectangle::new([(from, y + 0.2), (to, y + 0.8)], colour.filled())
                    },
                )
            }))
            .map_err(failed)?;
        Ok(())
    })
}

/// Columns over time, one per bucket, each stacked from `series` (a colour and a value per
/// bucket, all of one length), labelled below with `label` for every `every`-th bucket.
pub fn columns(
    series: &[(Colour, Vec<i64>)],
    every: usize,
    label: impl Fn(usize) -> String,
) -> Result<String, ChartError> {
    let buckets = series.iter().map(|(_, v)| v.len()).max().unwrap_or(0);
    let totals: Vec<i64> = (0..buckets)
        .map(|i| {
            series
                .iter()
                .map(|(_, v)| v.get(i).copied().unwrap_or(0))
                .sum()
        })
        .collect();
    let max = totals.iter().copied().max().unwrap_or(0).max(1) as f64;
    draw(240, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(8)
            .x_label_area_size(24)
            .y_label_area_size(48)
            .build_cartesian_2d(0f64..buckets.max(1) as f64, 0f64..max * 1.1)
            .map_err(failed)?;
        house_style(chart.configure_mesh().disable_x_mesh())
            .x_labels(buckets.max(1) * 2 + 1)
            .x_label_formatter(&|x| {
                bucket_at(*x)
                    .filter(|i| i.is_multiple_of(every.max(1)))
                    .map(&label)
                    .unwrap_or_default()
            })
            .y_label_formatter(&|y| whole(*y))
            .y_labels(5)
            .draw()
            .map_err(failed)?;
        chart
            .draw_series((0..buckets).flat_map(|i| {
                let x = i as f64;
                let values = series
                    .iter()
                    .map(move |(colour, values)| (values.get(i).copied().unwrap_or(0), *colour));
                stack(values).map(move |(from, to, colour)| {
                    Rectangle::new([(x + 0.15, from), (x + 0.85, to)], colour.filled())
                })
            }))
            .map_err(failed)?;
        Ok(())
    })
}

/// Dots over time in series: each series a colour and its points (x from 0 to `span`, y ≥ 0),
/// the x axis labelled by `label` at `ticks` places.
pub fn dots(
    series: &[(Colour, Vec<(f64, f64)>)],
    span: f64,
    ticks: usize,
    label: impl Fn(f64) -> String,
) -> Result<String, ChartError> {
    let max = series
        .iter()
        .flat_map(|(_, points)| points.iter().map(|(_, y)| *y))
        .fold(0f64, f64::max)
        .max(1.0);
    draw(240, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(8)
            .x_label_area_size(24)
            .y_label_area_size(48)
            .build_cartesian_2d(0f64..span.max(1.0), 0f64..max * 1.1)
            .map_err(failed)?;
        house_style(chart.configure_mesh().x_labels(ticks))
            .x_label_formatter(&|x| label(*x))
            .y_label_formatter(&|y| whole(*y))
            .y_labels(5)
            .draw()
            .map_err(failed)?;
        for (colour, points) in series {
            chart
                .draw_series(
                    points
                        .iter()
                        .map(|(x, y)| Circle::new((*x, *y), 3, colour.filled())),
                )
                .map_err(failed)?;
        }
        Ok(())
    })
}

/// The segments of a stacked bar: each positive value's (from, to) along the bar, in order,
/// with its colour.
fn stack(values: impl Iterator<Item = (i64, Colour)>) -> impl Iterator<Item = (f64, f64, Colour)> {
    values
        .filter(|(v, _)| *v > 0)
        .scan(0f64, |from, (v, colour)| {
            let segment = (*from, *from + v as f64, colour);
            *from = segment.1;
            Some(segment)
        })
}

/// The bucket whose middle `at` is (bucket `i` spans `i..i + 1`), if it is one's middle: where
/// a bar's label goes.
fn bucket_at(at: f64) -> Option<usize> {
    let i = at - 0.5;
    ((i - i.round()).abs() < 0.01 && i >= 0.0).then(|| i.round() as usize)
}

/// The mesh as every chart here draws it: ink axes and labels, no minor lines, faint major
/// ones.
fn house_style<'m, 'a, 'b, X, Y, DB>(
    mesh: &'m mut plotters::chart::MeshStyle<'a, 'b, X, Y, DB>,
) -> &'m mut plotters::chart::MeshStyle<'a, 'b, X, Y, DB>
where
    X: plotters::coord::ranged1d::Ranged<ValueType = f64>,
    Y: plotters::coord::ranged1d::Ranged<ValueType = f64>,
    DB: DrawingBackend,
{
    mesh.axis_style(INK)
        .label_style(text_style())
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID.mix(0.3))
}

/// A number as an axis shows it: whole, with a `k` past ten thousand.
fn whole(n: f64) -> String {
    if n.abs() >= 10_000.0 {
        format!("{}k", (n / 1000.0).round())
    } else if n.fract().abs() < 1e-9 {
        format!("{n:.0}")
    } else {
        String::new()
    }
}

fn text_style() -> TextStyle<'static> {
    ("sans-serif", 15)
        .into_font()
        .color(&INK)
        .pos(Pos::default())
}

/// Draws `body` on a [`WIDTH`] × `height` SVG and returns its text, the ink as `currentColor`.
fn draw(
    height: u32,
    body: impl FnOnce(&DrawingArea<SVGBackend<'_>, plotters::coord::Shift>) -> Result<(), ChartError>,
) -> Result<String, ChartError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        body(&root)?;
        root.present().map_err(failed)?;
    }
    Ok(svg.replace("#010203", "currentColor"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_is_an_svg_whose_text_follows_the_page_and_whose_labels_are_escaped() {
        let svg = stacked_rows(
            &[
                ("Bergen <Storsenter>".into(), vec![5, 0, 2]),
                ("Nettbutikk".into(), vec![1, 1, 1]),
            ],
            &[
                RGBColor(200, 0, 0),
                RGBColor(0, 200, 0),
                RGBColor(0, 0, 200),
            ],
        )
        .unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("viewBox"));
        assert!(svg.contains("currentColor"));
        assert!(!svg.contains("#010203"));
        assert!(svg.contains("Bergen &lt;Storsenter&gt;"), "{svg}");
        assert!(!svg.contains("<Storsenter>"));
        // Five bars: empty segments are not drawn.
        assert_eq!(
            svg.matches("fill=\"#C80000\"").count() + svg.matches("fill=\"#c80000\"").count(),
            2
        );
    }

    #[test]
    fn columns_and_dots_draw_without_data_too() {
        assert!(columns(&[], 1, |i| i.to_string()).is_ok());
        let (black, red) = (RGBColor(0, 0, 0), RGBColor(200, 0, 0));
        let svg = columns(&[(black, vec![0, 3, 0]), (red, vec![1, 1, 0])], 1, |i| {
            i.to_string()
        });
        // Three bars: one black, two red; none for the empty bucket.
        let svg = svg.unwrap();
        assert_eq!(svg.matches("fill=\"#000000\"").count(), 1, "{svg}");
        assert_eq!(
            svg.matches("fill=\"#C80000\"").count() + svg.matches("fill=\"#c80000\"").count(),
            2
        );
        assert!(dots(&[], 48.0, 5, |x| x.to_string()).is_ok());
    }
}
