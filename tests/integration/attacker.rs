//! What an attacker can work out from published evidence: every published count narrows its
//! true value to the values the perturbation table could have turned into it (it is public:
//! data/ptable.csv), and every known sum (a total, a region of branches, a period of months)
//! narrows the parts further. Bounds are propagated over all sums until nothing changes; a
//! hidden count is disclosed when its bounds meet.

use caseload::reports::ptable;

const UNBOUNDED: i64 = 1_000_000;

pub struct Attacker {
    k: i64,
    d: i64,
    lo: Vec<i64>,
    hi: Vec<i64>,
    sums: Vec<(usize, Vec<usize>)>,
}

impl Attacker {
    pub fn new(k: i64, d: i64) -> Self {
        Self {
            k,
            d,
            lo: Vec::new(),
            hi: Vec::new(),
            sums: Vec::new(),
        }
    }

    /// The true counts that could be published as `p`.
    fn sources(&self, p: i64) -> (i64, i64) {
        if self.d == 0 {
            return (p, p);
        }
        let table = ptable::shipped();
        let could = |n: i64| {
            table
                .distribution(self.d, n)
                .iter()
                .any(|(noise, keys)| *keys > 0 && n + noise == p)
        };
        let candidates: Vec<i64> = (0..=p + self.d).filter(|n| could(*n)).collect();
        (candidates[0], *candidates.last().unwrap())
    }

    /// A count as shown in a table (`0`, `<k` or a number): a variable with its bounds.
    pub fn published(&mut self, shown: &str) -> usize {
        let (lo, hi) = if shown == format!("<{}", self.k) {
            let (lo, _) = self.sources(1);
            let (_, hi) = self.sources(self.k - 1);
            (lo, hi)
        } else {
            let p: i64 = shown
                .parse()
                .unwrap_or_else(|_| panic!("not a count: {shown}"));
            self.sources(p)
        };
        self.lo.push(lo);
        self.hi.push(hi);
        self.lo.len() - 1
    }

    /// A count nobody published (a hidden branch, a single month).
    pub fn unknown(&mut self) -> usize {
        self.lo.push(0);
        self.hi.push(UNBOUNDED);
        self.lo.len() - 1
    }

    /// A number the attacker knows exactly (how many dummy records it added, say).
    pub fn constant(&mut self, value: i64) -> usize {
        self.lo.push(value);
        self.hi.push(value);
        self.lo.len() - 1
    }

    /// `total` is the sum of `parts`.
    pub fn sum(&mut self, total: usize, parts: Vec<usize>) {
        self.sums.push((total, parts));
    }

    /// Propagates the bounds over every sum until none changes.
    pub fn solve(&mut self) {
        // Bounds only tighten, so this ends; the cap stops a contradiction (sums that cannot
        // all hold) from running the bounds past each other for ever.
        for _ in 0..10_000 {
            let mut changed = false;
            for (total, parts) in &self.sums {
                let low: i64 = parts
                    .iter()
                    .fold(0, |sum, p| sum.saturating_add(self.lo[*p]));
                let high: i64 = parts
                    .iter()
                    .fold(0, |sum, p| sum.saturating_add(self.hi[*p]));
                changed |= tighten(&mut self.lo, &mut self.hi, *total, low, high);
                for part in parts {
                    let others_lo = low.saturating_sub(self.lo[*part]);
                    let others_hi = high.saturating_sub(self.hi[*part]);
                    let (lo, hi) = (
                        self.lo[*total].saturating_sub(others_hi),
                        self.hi[*total].saturating_sub(others_lo),
                    );
                    changed |= tighten(&mut self.lo, &mut self.hi, *part, lo, hi);
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// Whether every sum can hold at once: a bound past another means the sums contradict each
    /// other, and nothing solved from them means anything.
    pub fn consistent(&self) -> bool {
        self.lo.iter().zip(&self.hi).all(|(lo, hi)| lo <= hi)
    }

    pub fn bounds(&self, var: usize) -> (i64, i64) {
        (self.lo[var], self.hi[var])
    }

    /// The value the attacker is certain of, when it is a count from 1 to k−1.
    pub fn disclosed(&self, var: usize) -> Option<i64> {
        let (lo, hi) = self.bounds(var);
        (lo == hi && lo >= 1 && lo < self.k).then_some(lo)
    }
}

fn tighten(lo: &mut [i64], hi: &mut [i64], var: usize, new_lo: i64, new_hi: i64) -> bool {
    let mut changed = false;
    if new_lo > lo[var] {
        lo[var] = new_lo;
        changed = true;
    }
    if new_hi < hi[var] {
        hi[var] = new_hi;
        changed = true;
    }
    changed
}
