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
    let _ = writeln!(out, "# Casework and workload evidence: {}", e.scope_name);
    let _ = writeln!(
        out,
        "\n*{} to {} ({} months). Counts are perturbed by up to ±{} and may not add up; <{} means 1 to {}.*\n",
        e.from,
        e.to,
        e.months,
        e.max_noise,
        e.threshold,
        e.threshold - 1
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

/// One line per published cell: table, row, column, value; then the method, one line each.
pub fn csv(e: &Evidence) -> Result<Vec<u8>, AppError> {
    let mut writer = CsvWriter::new();
    writer.row(["table", "row", "column", "value"])?;
    for table in &e.tables {
        for row in &table.rows {
            for (column, value) in table.columns.iter().zip(&row.cells) {
                writer.row([table.title.as_str(), &row.label, column, value])?;
            }
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
