//! Evidence as Markdown (a brief to paste into a motion) and CSV.

use std::fmt::Write;

use super::evidence::Evidence;
use crate::csv_writer::CsvWriter;
use crate::error::AppError;

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

pub fn markdown(e: &Evidence) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Casework and workload evidence: {}, {}",
        e.scope_name, e.release.period_label
    );
    let _ = writeln!(
        out,
        "\n*Release `{}`, to cite as: {}. The {} {} to {}. Counts are perturbed by up to ±{} and may not add up; <{} is a published count of 1 to {} (a true count of 1 to {}).*\n",
        e.release.id,
        e.release.citation,
        e.release.period_kind,
        e.from,
        e.to,
        e.max_noise,
        e.threshold,
        e.threshold - 1,
        e.threshold - 1 + e.max_noise
    );
    let _ = writeln!(out, "## Findings\n");
    for finding in &e.findings {
        let _ = writeln!(out, "- {finding}");
    }
    for table in &e.tables {
        let _ = writeln!(out, "\n## {}\n", table.title);
        let _ = writeln!(
            out,
            "| | {} |",
            table
                .columns
                .iter()
                .map(|c| cell(c))
                .collect::<Vec<_>>()
                .join(" | ")
        );
        let _ = writeln!(out, "|---|{}", "---:|".repeat(table.columns.len()));
        for row in &table.rows {
            let _ = writeln!(
                out,
                "| {} | {} |",
                cell(&row.label),
                row.cells
                    .iter()
                    .map(|c| cell(c))
                    .collect::<Vec<_>>()
                    .join(" | ")
            );
        }
        if let Some(note) = &table.note {
            let _ = writeln!(out, "\n{note}");
        }
    }
    let _ = writeln!(out, "\n## Method\n");
    for line in &e.method {
        let _ = writeln!(out, "- {line}");
    }
    out
}

/// The release it is, then one line per published cell (table, row, column, value) with each
/// table's note, the relative risks, and the method, one line each.
pub fn csv(e: &Evidence) -> Result<Vec<u8>, AppError> {
    let mut writer = CsvWriter::new();
    writer.row(["table", "row", "column", "value"])?;
    writer.row(["Release", "Identifier", "", &e.release.id])?;
    writer.row(["Release", "Citation", "", &e.release.citation])?;
    for table in &e.tables {
        for row in &table.rows {
            for (column, value) in table.columns.iter().zip(&row.cells) {
                writer.row([table.title.as_str(), &row.label, column, value])?;
            }
        }
        if let Some(note) = &table.note {
            writer.row([table.title.as_str(), "Note", "", note])?;
        }
    }
    for risk in &e.risks {
        for (kind, value) in [
            ("Crude", risk.crude),
            ("Stratified by employer", risk.stratified),
        ] {
            let [ratio, lower, upper] = value.map_or_else(
                || ["—".to_owned(), "—".to_owned(), "—".to_owned()],
                |r| {
                    [
                        r.ratio.to_string(),
                        r.lower.to_string(),
                        r.upper.to_string(),
                    ]
                },
            );
            for (column, text) in [
                ("relative risk", ratio),
                ("95% CI lower", lower),
                ("95% CI upper", upper),
            ] {
                writer.row([
                    "Relative risks",
                    &risk.outcome,
                    &format!("{kind} {column}"),
                    &text,
                ])?;
            }
        }
        if let Some(sentence) = &risk.within_employers {
            writer.row([
                "Relative risks",
                &risk.outcome,
                "Within employers",
                sentence,
            ])?;
        }
    }
    for (i, line) in e.method.iter().enumerate() {
        writer.row(["Method", &(i + 1).to_string(), "", line])?;
    }
    writer.finish()
}

/// The formats an evidence summary comes in.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
    Markdown,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Csv => "csv",
            Self::Markdown => "md",
        }
    }
}

impl Format {
    /// The format an `Accept` header prefers, when it names one of ours.
    pub fn from_accept(accept: &str) -> Option<Self> {
        let mut best: Option<(f32, Self)> = None;
        for part in accept.split(',') {
            let mut pieces = part.split(';');
            let kind = pieces
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            let quality = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let format = match kind.as_str() {
                "application/json" => Self::Json,
                "text/csv" => Self::Csv,
                "text/markdown" => Self::Markdown,
                _ => continue,
            };
            if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, format));
            }
        }
        best.map(|(_, format)| format)
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "json" => Ok(Self::Json),
            "csv" => Ok(Self::Csv),
            "md" | "markdown" => Ok(Self::Markdown),
            _ => Err("expected json, csv or md".into()),
        }
    }
}
