//! Statistical disclosure control. A count from 1 to k−1 is shown as `<k`, zero as `0`; a
//! percentage only when its numerator and denominator are both at least k; and where a total
//! would let a suppressed cell be worked out, the next-smallest cell in that row or column is
//! suppressed too (secondary suppression), or failing that the total itself.

use serde::Serialize;

/// A count as it may be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Shown {
    Count(i64),
    Suppressed,
}

impl Shown {
    pub fn text(self, k: i64) -> String {
        match self {
            Shown::Count(n) => n.to_string(),
            Shown::Suppressed => format!("<{k}"),
        }
    }

    pub fn is_suppressed(self) -> bool {
        matches!(self, Shown::Suppressed)
    }
}

/// Primary suppression of one count.
pub fn count(n: i64, k: i64) -> Shown {
    if n > 0 && n < k {
        Shown::Suppressed
    } else {
        Shown::Count(n)
    }
}

/// A percentage, or `None` when either part is under k (or suppressed).
pub fn percent(numerator: i64, denominator: i64, k: i64) -> Option<f64> {
    (numerator >= k && denominator >= k && denominator > 0)
        .then(|| (numerator as f64 / denominator as f64 * 1000.0).round() / 10.0)
}

/// A table of counts with row and column totals, suppressed so that no suppressed cell can be
/// recovered by subtraction from a shown total.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Protected {
    pub cells: Vec<Vec<Shown>>,
    pub row_totals: Vec<Shown>,
    pub column_totals: Vec<Shown>,
    pub grand_total: Shown,
}

pub fn protect(counts: &[Vec<i64>], k: i64) -> Protected {
    protect_with(counts, k, true)
}

/// As [`protect`]; `row_totals_published` false when a table shows only its column totals
/// (so rows need no protection of their own).
pub fn protect_with(counts: &[Vec<i64>], k: i64, row_totals_published: bool) -> Protected {
    let rows = counts.len();
    let columns = counts.first().map_or(0, Vec::len);
    let mut hidden: Vec<Vec<bool>> = counts
        .iter()
        .map(|row| row.iter().map(|n| *n > 0 && *n < k).collect())
        .collect();
    let row_total = |r: usize| counts[r].iter().sum::<i64>();
    let column_total = |c: usize| counts.iter().map(|row| row[c]).sum::<i64>();
    let mut row_total_hidden: Vec<bool> = (0..rows)
        .map(|r| {
            let t = row_total(r);
            t > 0 && t < k
        })
        .collect();
    let mut column_total_hidden: Vec<bool> = (0..columns)
        .map(|c| {
            let t = column_total(c);
            t > 0 && t < k
        })
        .collect();

    let grand: i64 = counts.iter().flatten().sum();
    let mut grand_hidden = grand > 0 && grand < k;
    // Repeat until no line (row or column with a shown total) has exactly one hidden cell.
    loop {
        let mut changed = false;
        for r in 0..rows {
            if row_total_hidden[r] || !row_totals_published {
                continue;
            }
            let line: Vec<(usize, i64, bool)> = (0..columns)
                .map(|c| (c, counts[r][c], hidden[r][c]))
                .collect();
            match lone_hidden(&line) {
                Some(Some(c)) => {
                    hidden[r][c] = true;
                    changed = true;
                }
                Some(None) => {
                    row_total_hidden[r] = true;
                    changed = true;
                }
                None => {}
            }
        }
        for c in 0..columns {
            if column_total_hidden[c] {
                continue;
            }
            let line: Vec<(usize, i64, bool)> =
                (0..rows).map(|r| (r, counts[r][c], hidden[r][c])).collect();
            match lone_hidden(&line) {
                Some(Some(r)) => {
                    hidden[r][c] = true;
                    changed = true;
                }
                Some(None) => {
                    column_total_hidden[c] = true;
                    changed = true;
                }
                None => {}
            }
        }
        // A lone hidden row (or column) total would be recovered from the grand total.
        let row_values: Vec<i64> = (0..rows).map(row_total).collect();
        match lone_hidden(&line_of(&row_values, &row_total_hidden)).filter(|_| row_totals_published)
        {
            Some(Some(i)) => {
                row_total_hidden[i] = true;
                changed = true;
            }
            Some(None) if !grand_hidden => {
                grand_hidden = true;
                changed = true;
            }
            _ => {}
        }
        let column_values: Vec<i64> = (0..columns).map(column_total).collect();
        match lone_hidden(&line_of(&column_values, &column_total_hidden)) {
            Some(Some(i)) => {
                column_total_hidden[i] = true;
                changed = true;
            }
            Some(None) if !grand_hidden => {
                grand_hidden = true;
                changed = true;
            }
            _ => {}
        }
        if !changed {
            break;
        }
    }
    Protected {
        cells: (0..rows)
            .map(|r| {
                (0..columns)
                    .map(|c| {
                        if hidden[r][c] {
                            Shown::Suppressed
                        } else {
                            Shown::Count(counts[r][c])
                        }
                    })
                    .collect()
            })
            .collect(),
        row_totals: (0..rows)
            .map(|r| {
                if row_total_hidden[r] {
                    Shown::Suppressed
                } else {
                    Shown::Count(row_total(r))
                }
            })
            .collect(),
        column_totals: (0..columns)
            .map(|c| {
                if column_total_hidden[c] {
                    Shown::Suppressed
                } else {
                    Shown::Count(column_total(c))
                }
            })
            .collect(),
        grand_total: if grand_hidden {
            Shown::Suppressed
        } else {
            Shown::Count(grand)
        },
    }
}

fn line_of(values: &[i64], hidden: &[bool]) -> Vec<(usize, i64, bool)> {
    values
        .iter()
        .zip(hidden)
        .enumerate()
        .map(|(i, (n, h))| (i, *n, *h))
        .collect()
}

/// In a line whose total is shown: when exactly one cell is hidden, the cell to hide next
/// (the smallest shown non-zero one), or `Some(None)` when there is none and the total must go.
fn lone_hidden(line: &[(usize, i64, bool)]) -> Option<Option<usize>> {
    if line.iter().filter(|(_, _, h)| *h).count() != 1 {
        return None;
    }
    let candidate = line
        .iter()
        .filter(|(_, n, h)| !h && *n > 0)
        .min_by_key(|(i, n, _)| (*n, *i))
        .map(|(i, _, _)| *i);
    Some(candidate)
}
