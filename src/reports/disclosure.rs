//! Statistical disclosure control of the evidence: cell-key perturbation. Every published count
//! is the true count plus a noise of at most ±D looked up in the perturbation table by the count
//! and its cell key (the sum of its records' keys modulo 4096), so the same records always give
//! the same figure and two counts whose records differ get independent noise. A published count
//! from 1 to k−1 is shown as `<k`; zero stays zero. Shares and changes are computed from
//! published counts only, and only when both are at least k. docs/EVIDENCE.md has the method.

use std::iter::Sum;
use std::ops::{Add, AddAssign};

use super::ptable;
use crate::models::record_key::KEYS;

/// The records counted in one cell: how many, and the sum of their record keys.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cell {
    pub n: i64,
    pub key_sum: i64,
}

impl Cell {
    pub fn new(n: i64, key_sum: i64) -> Self {
        Self { n, key_sum }
    }

    /// The cell key: the sum of the records' keys modulo 4096.
    pub fn cell_key(self) -> i64 {
        self.key_sum.rem_euclid(i64::from(KEYS))
    }
}

impl Add for Cell {
    type Output = Cell;
    fn add(self, other: Cell) -> Cell {
        Cell::new(self.n + other.n, self.key_sum + other.key_sum)
    }
}

impl AddAssign for Cell {
    fn add_assign(&mut self, other: Cell) {
        *self = *self + other;
    }
}

impl Sum for Cell {
    fn sum<I: Iterator<Item = Cell>>(iter: I) -> Cell {
        iter.fold(Cell::default(), Add::add)
    }
}

/// A count as published (already perturbed). Its value is private to this module: other code
/// reaches it only through [`Disclosure::usable`], which withholds values under k.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published(i64);

/// The rules: k (counts from 1 to k−1 are shown as `<k`) and D (the largest noise).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Disclosure {
    pub k: i64,
    pub max_noise: i64,
}

impl Disclosure {
    /// The published value of a cell: zero for no records, otherwise the count plus its noise
    /// (never zero: the table does not take a count of one or more below one). A D of 0 adds
    /// none: the setting's range (1 to 5) never allows it; the attack tests use it as their
    /// control, to show each attack succeeds without the noise.
    pub fn publish(self, cell: Cell) -> Published {
        if cell.n <= 0 {
            return Published(0);
        }
        if self.max_noise == 0 {
            return Published(cell.n);
        }
        let noise = ptable::shipped().noise(self.max_noise, cell.n, cell.cell_key());
        Published((cell.n + noise).max(1))
    }

    /// How a published count reads: `0`, `<k`, or the number.
    pub fn text(self, p: Published) -> String {
        match p.0 {
            0 => "0".into(),
            n if n < self.k => format!("<{}", self.k),
            n => n.to_string(),
        }
    }

    /// `publish` then `text`.
    pub fn show(self, cell: Cell) -> String {
        self.text(self.publish(cell))
    }

    /// The published value when it may be used in a figure (at least k), else `None`.
    pub fn usable(self, p: Published) -> Option<i64> {
        (p.0 >= self.k).then_some(p.0)
    }

    /// A share in whole percent of two published counts, both at least k, and the part more
    /// than k short of the whole: "5 of 6" says that all but one of a group did, which is a
    /// disclosure about the rest.
    pub fn share(self, part: Published, whole: Published) -> Option<i64> {
        let (part, whole) = (self.usable(part)?, self.usable(whole)?);
        if whole - part < self.k {
            return None;
        }
        Some((part * 200 + whole) / (2 * whole))
    }

    /// The published value, small or not, for a pooled estimate only (the Mantel–Haenszel
    /// risk over every employer's stratum): never shown on its own.
    pub(crate) fn pooled(self, p: Published) -> i64 {
        p.0
    }

    /// A count another release published, read back from its text: only a number of at least
    /// k can be used again (`<k` and `0` say too little, or too much, to work with).
    pub fn reread(self, text: &str) -> Option<Published> {
        text.parse::<i64>()
            .ok()
            .filter(|n| *n >= self.k)
            .map(Published)
    }

    /// The change in whole percent from `before` to `now`, both published and at least k.
    pub fn change(self, now: Published, before: Option<Published>) -> Option<i64> {
        let (now, before) = (self.usable(now)?, self.usable(before?)?);
        let tenths = (now - before) * 1000 / before;
        Some((tenths + if tenths >= 0 { 5 } else { -5 }) / 10)
    }
}

/// A share as a table cell: `57%`, or `—` when it is not shown.
pub(crate) fn percent_text(share: Option<i64>) -> String {
    share.map_or_else(|| "—".into(), |v| format!("{v}%"))
}
