//! Statistics over counts the database has already grouped: percentiles from a histogram, and
//! the relative risk with its 95% confidence interval (log method).

/// Caseload per FTE is grouped in tenths: bucket 153 holds values that round to 15.3.
pub const BUCKETS_PER_UNIT: f64 = 10.0;

/// The histogram bucket of a caseload per FTE: tenths of a case, halves rounded up. The
/// summary triggers and the rebuild compute the same in SQL (`ROUND(x * 10.0 / fte)` on
/// SQLite, `FLOOR(x * 10.0 / fte + 0.5)` on PostgreSQL); `tests/integration/report_summaries.rs`
/// checks that they agree, halves included.
pub fn bucket(per_fte: f64) -> i64 {
    (per_fte * BUCKETS_PER_UNIT).round() as i64
}

/// The value at quantile `q` (0–1) of a histogram of `(bucket, count)`, buckets in tenths:
/// the nearest-rank method (the smallest value with at least q of the observations at or
/// below it). `None` when there are no observations.
pub(crate) fn quantile(histogram: &[(i64, i64)], q: f64) -> Option<f64> {
    let mut sorted: Vec<(i64, i64)> = histogram.iter().copied().filter(|(_, n)| *n > 0).collect();
    sorted.sort();
    let total: i64 = sorted.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    let rank = ((q * total as f64).ceil() as i64).clamp(1, total);
    let mut seen = 0;
    for (bucket, n) in sorted {
        seen += n;
        if seen >= rank {
            return Some(bucket as f64 / BUCKETS_PER_UNIT);
        }
    }
    None
}

pub fn median(histogram: &[(i64, i64)]) -> Option<f64> {
    quantile(histogram, 0.5)
}

pub fn p90(histogram: &[(i64, i64)]) -> Option<f64> {
    quantile(histogram, 0.9)
}

/// The quantile `q` for publication: rounded to a whole number, and only when at least `k`
/// observations lie above it and `k` at or below it (so no published value is one person's,
/// and a 90th percentile needs 10k observations).
pub fn disclosed_quantile(histogram: &[(i64, i64)], q: f64, k: i64) -> Option<i64> {
    let value = quantile(histogram, q)?;
    let bucket = bucket(value);
    let at_or_below: i64 = histogram
        .iter()
        .filter(|(b, _)| *b <= bucket)
        .map(|(_, n)| n)
        .sum();
    let above: i64 = histogram
        .iter()
        .filter(|(b, _)| *b > bucket)
        .map(|(_, n)| n)
        .sum();
    (at_or_below >= k && above >= k).then(|| value.round() as i64)
}

/// The Mantel–Haenszel relative risk over strata (employers), with its 95% interval from the
/// Greenland–Robins variance of its logarithm:
/// RR = Σ aᵢn₀ᵢ/Nᵢ ÷ Σ cᵢn₁ᵢ/Nᵢ; Var(ln RR) = Σ (n₁ᵢn₀ᵢ(aᵢ+cᵢ) − aᵢcᵢNᵢ)/Nᵢ² ÷ (Σ aᵢn₀ᵢ/Nᵢ · Σ cᵢn₁ᵢ/Nᵢ).
/// `None` when it is undefined (no cases on one side).
pub fn mantel_haenszel(strata: &[TwoByTwo]) -> Option<RelativeRisk> {
    let (mut r, mut s, mut v) = (0.0, 0.0, 0.0);
    for t in strata {
        let (a, n1, c, n0) = (
            t.exposed_cases as f64,
            t.exposed_total as f64,
            t.unexposed_cases as f64,
            t.unexposed_total as f64,
        );
        let n = n1 + n0;
        if n <= 0.0 || a > n1 || c > n0 {
            continue;
        }
        r += a * n0 / n;
        s += c * n1 / n;
        v += (n1 * n0 * (a + c) - a * c * n) / (n * n);
    }
    if r <= 0.0 || s <= 0.0 {
        return None;
    }
    let ratio = r / s;
    let se = (v / (r * s)).max(0.0).sqrt();
    Some(RelativeRisk {
        ratio,
        lower: (ratio.ln() - 1.96 * se).exp(),
        upper: (ratio.ln() + 1.96 * se).exp(),
    })
}

/// A number with exactly two decimal places, as evidence publishes every ratio: it prints and
/// serialises as that and nothing more precise (a full-precision ratio would let its counts be
/// solved for).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TwoPlaces(i64);

impl utoipa::PartialSchema for TwoPlaces {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Number)
            .description(Some("A ratio given to exactly two decimal places"))
            .into()
    }
}

impl utoipa::ToSchema for TwoPlaces {}

impl TwoPlaces {
    pub fn round(value: f64) -> Self {
        Self((value * 100.0).round() as i64)
    }

    pub(crate) fn value(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

impl std::fmt::Display for TwoPlaces {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

impl serde::Serialize for TwoPlaces {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Hundredths divided by 100 is the double nearest the two-place decimal, which
        // serde_json writes back as exactly that decimal.
        serializer.serialize_f64(self.value())
    }
}

impl<'de> serde::Deserialize<'de> for TwoPlaces {
    /// A stored release's ratio read back: the decimal it was written as.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Self::round(f64::deserialize(deserializer)?))
    }
}

/// A relative risk as published: from published counts, to two decimal places.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct PublishedRisk {
    pub ratio: TwoPlaces,
    pub lower: TwoPlaces,
    pub upper: TwoPlaces,
}

impl From<RelativeRisk> for PublishedRisk {
    fn from(r: RelativeRisk) -> Self {
        Self {
            ratio: TwoPlaces::round(r.ratio),
            lower: TwoPlaces::round(r.lower),
            upper: TwoPlaces::round(r.upper),
        }
    }
}

/// A 2×2 table: cases and group sizes in the exposed (above the safe caseload) and unexposed
/// (at or below) groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct TwoByTwo {
    pub exposed_cases: i64,
    pub exposed_total: i64,
    pub unexposed_cases: i64,
    pub unexposed_total: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct RelativeRisk {
    pub ratio: f64,
    pub lower: f64,
    pub upper: f64,
}

/// Risk in the exposed ÷ risk in the unexposed, with the 95% interval
/// exp(ln RR ± 1.96 · √(1/a − 1/n₁ + 1/c − 1/n₀)). `None` when a cell makes it undefined.
pub fn relative_risk(t: TwoByTwo) -> Option<RelativeRisk> {
    let (a, n1, c, n0) = (
        t.exposed_cases as f64,
        t.exposed_total as f64,
        t.unexposed_cases as f64,
        t.unexposed_total as f64,
    );
    if a <= 0.0 || c <= 0.0 || n1 <= 0.0 || n0 <= 0.0 || a > n1 || c > n0 {
        return None;
    }
    let ratio = (a / n1) / (c / n0);
    let se = (1.0 / a - 1.0 / n1 + 1.0 / c - 1.0 / n0).sqrt();
    Some(RelativeRisk {
        ratio,
        lower: (ratio.ln() - 1.96 * se).exp(),
        upper: (ratio.ln() + 1.96 * se).exp(),
    })
}
