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
pub fn caseload_line(points: &[(NaiveDate, f64)], threshold: f64, title: &str) -> String {
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
