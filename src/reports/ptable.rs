//! The perturbation table (`data/ptable.csv`, embedded in the binary): for a count, its cell
//! key and the largest noise allowed, the noise added before the count is published. How the
//! table was built and what it guarantees: docs/EVIDENCE.md; its properties are proved in
//! `tests/integration/perturbation.rs`.

use std::sync::LazyLock;

use crate::models::record_key::KEYS;

const SHIPPED: &str = include_str!("../../data/ptable.csv");

/// Counts up to this have rows of their own; larger counts reuse the rows from
/// [`REUSED_FROM`] up, cyclically (as the ONS does for counts above its table).
pub const LAST_ROW: i64 = 32;
pub const REUSED_FROM: i64 = 17;

/// Noise for one count: `(first cell key, last cell key, noise)`, covering 0..KEYS.
type Row = Vec<(i64, i64, i64)>;

pub struct PerturbationTable {
    /// `rows[d - 1][count]`.
    rows: Vec<Vec<Row>>,
}

static TABLE: LazyLock<PerturbationTable> = LazyLock::new(|| {
    PerturbationTable::parse(SHIPPED)
        .unwrap_or_else(|why| panic!("the shipped perturbation table is malformed: {why}"))
});

/// The table shipped with the binary.
pub fn shipped() -> &'static PerturbationTable {
    &TABLE
}

impl PerturbationTable {
    /// Reads the table and checks that every row covers each cell key exactly once.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut rows: Vec<Vec<Row>> = Vec::new();
        for (number, line) in text.lines().enumerate().skip(1) {
            let fields: Vec<i64> = line
                .split(',')
                .map(|f| f.trim().parse::<i64>())
                .collect::<Result<_, _>>()
                .map_err(|e| format!("line {}: {e}", number + 1))?;
            let [d, count, noise, from, to] = fields[..] else {
                return Err(format!("line {}: expected five numbers", number + 1));
            };
            let d_index = usize::try_from(d - 1).map_err(|_| format!("line {}: D", number + 1))?;
            let count_index =
                usize::try_from(count).map_err(|_| format!("line {}: count", number + 1))?;
            if rows.len() <= d_index {
                rows.resize_with(d_index + 1, Vec::new);
            }
            let by_count = &mut rows[d_index];
            if by_count.len() <= count_index {
                by_count.resize_with(count_index + 1, Vec::new);
            }
            by_count[count_index].push((from, to, noise));
        }
        for (d, by_count) in rows.iter_mut().enumerate() {
            if by_count.len() != LAST_ROW as usize + 1 {
                return Err(format!("D = {}: rows for counts 0 to {LAST_ROW}", d + 1));
            }
            for (count, row) in by_count.iter_mut().enumerate() {
                row.sort_unstable();
                let mut next = 0;
                for (from, to, _) in row.iter() {
                    if *from != next || to < from {
                        return Err(format!(
                            "D = {}, count {count}: keys not covered once",
                            d + 1
                        ));
                    }
                    next = to + 1;
                }
                if next != i64::from(KEYS) {
                    return Err(format!("D = {}, count {count}: keys not covered", d + 1));
                }
            }
        }
        Ok(Self { rows })
    }

    /// The largest noise the table has rows for (the setting may not exceed it).
    pub fn max_noise_supported(&self) -> i64 {
        self.rows.len() as i64
    }

    /// The row a count is looked up in.
    pub(crate) fn row_for(count: i64) -> i64 {
        if count <= LAST_ROW {
            count
        } else {
            REUSED_FROM + (count - REUSED_FROM) % (LAST_ROW - REUSED_FROM + 1)
        }
    }

    fn row(&self, d: i64, count: i64) -> &Row {
        let d = d.clamp(1, self.max_noise_supported());
        &self.rows[(d - 1) as usize][Self::row_for(count.max(0)) as usize]
    }

    /// The noise for a count with this cell key (0..KEYS) when noise may reach ±`d`.
    pub fn noise(&self, d: i64, count: i64, cell_key: i64) -> i64 {
        let cell_key = cell_key.rem_euclid(i64::from(KEYS));
        self.row(d, count)
            .iter()
            .find(|(from, to, _)| (*from..=*to).contains(&cell_key))
            .map_or(0, |(_, _, noise)| *noise)
    }

    /// How many of the cell keys give each noise, for a count: its distribution.
    pub fn distribution(&self, d: i64, count: i64) -> Vec<(i64, i64)> {
        let mut keys: std::collections::BTreeMap<i64, i64> = Default::default();
        for (from, to, noise) in self.row(d, count) {
            *keys.entry(*noise).or_default() += to - from + 1;
        }
        keys.into_iter().collect()
    }
}
