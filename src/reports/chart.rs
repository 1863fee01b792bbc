//! Server-side SVG charts: no script, nothing fetched, readable without colour (the numbers are
//! always in a table beside the chart).

use std::fmt::Write;

use chrono::NaiveDate;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 40.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

/// A line of caseload per FTE over time with the safe-caseload threshold as a dashed line.
/// `title` labels the chart for screen readers.
pub(crate) fn caseload_line(points: &[(NaiveDate, f64)], threshold: f64, title: &str) -> String {
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"##,
        escape(title)
    );
    if points.is_empty() {
        svg.push_str(
            r##"<text x="20" y="40" fill="#4a5560">No workload recorded yet.</text></svg>"##,
        );
        return svg;
    }
    let max_value = points
        .iter()
        .map(|p| p.1)
        .fold(threshold, f64::max)
        .max(1.0)
        * 1.15;
    let first = points[0].0;
    let last = points[points.len() - 1].0;
    let span = (last - first).num_days().max(1) as f64;
    let x = |d: NaiveDate| LEFT + (d - first).num_days() as f64 / span * (WIDTH - LEFT - RIGHT);
    let y = |v: f64| TOP + (1.0 - v / max_value) * (HEIGHT - TOP - BOTTOM);

    // Axis and gridlines every 5 cases.
    let mut tick = 0.0;
    while tick <= max_value {
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#e2e2e2"/><text x="{}" y="{:.1}" font-size="11" text-anchor="end" fill="#4a5560">{tick}</text>"##,
            WIDTH - RIGHT,
            LEFT - 6.0,
            y(tick) + 4.0,
            y = y(tick),
        );
        tick += 5.0;
    }
    let _ = write!(
        svg,
        r##"<line x1="{LEFT}" x2="{}" y1="{t:.1}" y2="{t:.1}" stroke="#b00020" stroke-width="2" stroke-dasharray="6 4"/><text x="{}" y="{:.1}" font-size="11" text-anchor="end" fill="#b00020">safe caseload {threshold}</text>"##,
        WIDTH - RIGHT,
        WIDTH - RIGHT,
        y(threshold) - 4.0,
        t = y(threshold),
    );
    let path: Vec<String> = points
        .iter()
        .map(|(d, v)| format!("{:.1},{:.1}", x(*d), y(*v)))
        .collect();
    let _ = write!(
        svg,
        r##"<polyline fill="none" stroke="#7a1f5c" stroke-width="2.5" points="{}"/>"##,
        path.join(" ")
    );
    for (d, v) in points {
        let colour = if *v > threshold { "#b00020" } else { "#7a1f5c" };
        let _ = write!(
            svg,
            r##"<circle cx="{:.1}" cy="{:.1}" r="3.5" fill="{colour}"><title>{d}: {v}</title></circle>"##,
            x(*d),
            y(*v)
        );
    }
    let _ = write!(
        svg,
        r##"<text x="{LEFT}" y="{}" font-size="11" fill="#4a5560">{first}</text><text x="{}" y="{}" font-size="11" text-anchor="end" fill="#4a5560">{last}</text></svg>"##,
        HEIGHT - 8.0,
        WIDTH - RIGHT,
        HEIGHT - 8.0
    );
    svg
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const PALETTE: &[&str] = &[
    "#7a1f5c", "#1f5c7a", "#b35900", "#2e7d32", "#6a4c93", "#8d6e63", "#455a64",
];

/// Vertical bars, stacked by series: `series` is (name, one value per label). A legend names
/// each colour; the numbers are in the table beside the chart.
pub(crate) fn stacked_bars(
    labels: &[String],
    series: &[(String, Vec<i64>)],
    title: &str,
) -> String {
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"##,
        escape(title)
    );
    let totals: Vec<i64> = (0..labels.len())
        .map(|i| {
            series
                .iter()
                .map(|(_, v)| v.get(i).copied().unwrap_or(0))
                .sum()
        })
        .collect();
    let max = totals.iter().copied().max().unwrap_or(0).max(1) as f64 * 1.1;
    let legend_height = 16.0 * ((series.len() as f64) / 4.0).ceil();
    let plot_bottom = HEIGHT - BOTTOM - legend_height;
    let plot_height = plot_bottom - TOP;
    let slot = (WIDTH - LEFT - RIGHT) / labels.len().max(1) as f64;
    let _ = write!(
        svg,
        r##"<line x1="{LEFT}" x2="{}" y1="{plot_bottom}" y2="{plot_bottom}" stroke="#767676"/>"##,
        WIDTH - RIGHT
    );
    let _ = write!(
        svg,
        r##"<text x="{}" y="{:.1}" font-size="11" text-anchor="end" fill="#4a5560">{}</text>"##,
        LEFT - 6.0,
        TOP + 8.0,
        max.round() as i64
    );
    for (i, label) in labels.iter().enumerate() {
        let mut y = plot_bottom;
        for (s, (name, values)) in series.iter().enumerate() {
            let value = values.get(i).copied().unwrap_or(0);
            if value == 0 {
                continue;
            }
            let h = value as f64 / max * plot_height;
            y -= h;
            let _ = write!(
                svg,
                r##"<rect x="{:.1}" y="{y:.1}" width="{:.1}" height="{h:.1}" fill="{}"><title>{}: {} {value}</title></rect>"##,
                LEFT + i as f64 * slot + slot * 0.15,
                slot * 0.7,
                PALETTE[s % PALETTE.len()],
                escape(label),
                escape(name),
            );
        }
        if labels.len() <= 12 || i % (labels.len() / 12 + 1) == 0 {
            let _ = write!(
                svg,
                r##"<text x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle" fill="#4a5560">{}</text>"##,
                LEFT + i as f64 * slot + slot / 2.0,
                plot_bottom + 14.0,
                escape(label)
            );
        }
    }
    for (s, (name, _)) in series.iter().enumerate() {
        let x = LEFT + (s % 4) as f64 * 150.0;
        let y = HEIGHT - legend_height + 16.0 * (s / 4) as f64;
        let _ = write!(
            svg,
            r##"<rect x="{x:.1}" y="{:.1}" width="10" height="10" fill="{}"/><text x="{:.1}" y="{y:.1}" font-size="11" fill="#1b1f23">{}</text>"##,
            y - 9.0,
            PALETTE[s % PALETTE.len()],
            x + 14.0,
            escape(name)
        );
    }
    svg.push_str("</svg>");
    svg
}
