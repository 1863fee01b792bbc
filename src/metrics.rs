//! Counters for monitoring, written in the Prometheus text format at `/metrics`: requests by
//! route pattern and status, their latency as histograms, and whatever gauges the server adds
//! when it is scraped (database pool, audit queue). Labels are route patterns
//! (`/api/v1/members/{id}`), never paths, so no id, name or secret becomes a label and the
//! number of series stays bounded.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
struct Latency {
    /// Requests at or under each bound of `BUCKETS`, not cumulated.
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
struct Counts {
    /// (method, route, status) → requests.
    requests: BTreeMap<(String, String, u16), u64>,
    /// (method, route) → latency.
    latency: BTreeMap<(String, String), Latency>,
    /// Evidence releases served, by format.
    releases: BTreeMap<String, u64>,
}

#[derive(Default)]
pub struct Metrics {
    counts: Mutex<Counts>,
}

impl Metrics {
    fn counts(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// One request answered.
    pub fn request(&self, method: &str, route: &str, status: u16, took: Duration) {
        let seconds = took.as_secs_f64();
        let mut counts = self.counts();
        *counts
            .requests
            .entry((method.to_owned(), route.to_owned(), status))
            .or_default() += 1;
        let latency = counts
            .latency
            .entry((method.to_owned(), route.to_owned()))
            .or_default();
        if let Some(bucket) = BUCKETS.iter().position(|bound| seconds <= *bound) {
            latency.buckets[bucket] += 1;
        }
        latency.count += 1;
        latency.sum += seconds;
    }

    /// One evidence release served, in `format` (json, csv, markdown, page).
    pub fn release_served(&self, format: &str) {
        *self.counts().releases.entry(format.to_owned()).or_default() += 1;
    }

    /// The text format, with `gauges` (name, help, value) after the counters.
    pub fn render(&self, gauges: &[(&str, &str, f64)]) -> String {
        let counts = self.counts();
        let mut out = String::new();
        out.push_str(
            "# HELP caseload_http_requests_total Requests answered, by route pattern and status.\n",
        );
        out.push_str("# TYPE caseload_http_requests_total counter\n");
        for ((method, route, status), n) in &counts.requests {
            let _ = writeln!(
                out,
                "caseload_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {n}",
                label(method),
                label(route)
            );
        }
        out.push_str(
            "# HELP caseload_http_request_duration_seconds Time to answer, by route pattern.\n",
        );
        out.push_str("# TYPE caseload_http_request_duration_seconds histogram\n");
        for ((method, route), latency) in &counts.latency {
            let labels = format!("method=\"{}\",route=\"{}\"", label(method), label(route));
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(latency.buckets) {
                cumulative += n;
                let _ = writeln!(
                    out,
                    "caseload_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "caseload_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                latency.count
            );
            let _ = writeln!(
                out,
                "caseload_http_request_duration_seconds_sum{{{labels}}} {}",
                latency.sum
            );
            let _ = writeln!(
                out,
                "caseload_http_request_duration_seconds_count{{{labels}}} {}",
                latency.count
            );
        }
        out.push_str(
            "# HELP caseload_evidence_releases_served_total Evidence releases served, by format.\n",
        );
        out.push_str("# TYPE caseload_evidence_releases_served_total counter\n");
        for (format, n) in &counts.releases {
            let _ = writeln!(
                out,
                "caseload_evidence_releases_served_total{{format=\"{}\"}} {n}",
                label(format)
            );
        }
        for (name, help, value) in gauges {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
            );
        }
        out
    }
}

/// A label value escaped as the text format asks (backslash, quote, newline).
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative_and_counts_add_up() {
        let metrics = Metrics::default();
        for ms in [3, 40, 40, 700, 20_000] {
            metrics.request("GET", "/members/{id}", 200, Duration::from_millis(ms));
        }
        metrics.request("GET", "/members/{id}", 404, Duration::from_millis(1));
        let text = metrics.render(&[("caseload_db_pool_connections", "Open.", 3.0)]);
        assert!(text.contains("caseload_http_requests_total{method=\"GET\",route=\"/members/{id}\",status=\"200\"} 5"), "{text}");
        assert!(text.contains("status=\"404\"} 1"));
        let bucket = |le: &str| {
            let prefix = format!(
                "caseload_http_request_duration_seconds_bucket{{method=\"GET\",route=\"/members/{{id}}\",le=\"{le}\"}} "
            );
            text.lines()
                .find_map(|l| l.strip_prefix(&prefix))
                .unwrap()
                .to_owned()
        };
        assert_eq!(bucket("0.005"), "2");
        assert_eq!(bucket("0.05"), "4");
        assert_eq!(bucket("1"), "5");
        assert_eq!(bucket("10"), "5");
        assert_eq!(bucket("+Inf"), "6");
        assert!(text.contains("caseload_db_pool_connections 3\n"));
        assert_eq!(label("a\"b\\c"), "a\\\"b\\\\c");
    }
}
