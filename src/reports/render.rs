//! Evidence as Markdown (a brief to paste into a motion) and CSV.

use std::fmt::Write;

use super::evidence::Evidence;

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

pub fn markdown(e: &Evidence) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Casework and workload evidence: {}", e.scope_name);
    let _ = writeln!(out, "\n*{} to {}*\n", e.from, e.to);
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
    let _ = writeln!(
        out,
        "- Period: {} to {}, compared with {} to {} (the same length immediately before).",
        e.from, e.to, e.previous_from, e.previous_to
    );
    let _ = writeln!(out, "- Scope: {}.", e.scope_name);
    let _ = writeln!(
        out,
        "- Caseload per FTE: open cases on a member's latest workload record divided by their full-time equivalent. \
         Above the safe caseload means more than {} open cases per FTE (the indicative maximum in Social Work Scotland's \
         *Setting the Bar*, 2022), or the employer's own threshold where one is set.",
        e.safe_caseload
    );
    let _ = writeln!(
        out,
        "- Relative risk: members are grouped by their latest workload record on or before {}; the risk is the share \
         with a disciplinary or ill-health case opened in the period. 95% confidence interval by the log method.",
        e.from
    );
    let _ = writeln!(
        out,
        "- Small numbers: any count from 1 to {k1} is shown as <{k}; a percentage or rate is shown only when the numbers \
         behind it are at least {k}; where a total would reveal a hidden count, another count is hidden too.",
        k = e.threshold,
        k1 = e.threshold - 1
    );
    let _ = writeln!(
        out,
        "- No member is named or can be identified from these figures."
    );
    out
}

/// One line per published cell: table, row, column, value.
pub fn csv(e: &Evidence) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(["table", "row", "column", "value"]);
    for table in &e.tables {
        for row in &table.rows {
            for (column, value) in table.columns.iter().zip(&row.cells) {
                let _ = writer.write_record([table.title.as_str(), &row.label, column, value]);
            }
        }
    }
    writer.into_inner().unwrap_or_default()
}
