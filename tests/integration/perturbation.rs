//! The perturbation table and the publication rules, as properties: deterministic, zero kept
//! and never made, bounded by D, unbiased, and independent between record sets that differ by
//! one record. Exhaustive over every cell key where that is cheap, random record sets elsewhere.

use caseload::reports::disclosure::{Cell, Disclosure};
use caseload::reports::ptable::{self, PerturbationTable};
use proptest::prelude::*;

const KEYS: i64 = 4096;
const LARGEST_D: i64 = 5;

fn noise(d: i64, n: i64, ck: i64) -> i64 {
    ptable::shipped().noise(d, n, ck)
}

fn cell_of(keys: &[i64]) -> Cell {
    Cell::new(keys.len() as i64, keys.iter().sum())
}

fn record_set() -> impl Strategy<Value = Vec<i64>> {
    proptest::collection::vec(0..KEYS, 0..300)
}

#[test]
fn the_shipped_table_has_a_row_for_every_count_and_covers_every_cell_key_once() {
    let table = ptable::shipped();
    assert_eq!(table.max_noise_supported(), LARGEST_D);
    for d in 1..=LARGEST_D {
        for n in 0..=600 {
            let keys: i64 = table.distribution(d, n).iter().map(|(_, k)| k).sum();
            assert_eq!(keys, KEYS, "D = {d}, count {n}");
        }
    }
    assert!(
        PerturbationTable::parse("max_noise,count,noise,ckey_from,ckey_to\n1,0,0,0,4094\n")
            .is_err(),
        "a table that leaves a key uncovered is refused"
    );
}

/// Property 2, over every cell key: zero stays zero, and no count of one or more becomes zero.
#[test]
fn zero_is_published_as_zero_and_nothing_else_is() {
    for d in 1..=LARGEST_D {
        assert!((0..KEYS).all(|ck| noise(d, 0, ck) == 0), "D = {d}");
        for n in 1..=80 {
            for ck in 0..KEYS {
                assert!(n + noise(d, n, ck) >= 1, "D = {d}, count {n}, key {ck}");
            }
        }
    }
}

/// Property 3, over every cell key: the noise never exceeds D.
#[test]
fn the_noise_never_exceeds_d() {
    for d in 1..=LARGEST_D {
        for n in 0..=80 {
            for ck in 0..KEYS {
                assert!(noise(d, n, ck).abs() <= d, "D = {d}, count {n}, key {ck}");
            }
        }
        for n in [100, 499, 500, 1_000, 123_456] {
            assert!(
                ptable::shipped()
                    .distribution(d, n)
                    .iter()
                    .all(|(v, _)| v.abs() <= d)
            );
        }
    }
}

/// Property 4: for every count, the noise averages exactly zero over the cell keys (the
/// support is symmetric, narrowed for counts too small to go down by D).
#[test]
fn the_noise_averages_zero_for_every_count() {
    for d in 1..=LARGEST_D {
        for n in 0..=2_000 {
            let distribution = ptable::shipped().distribution(d, n);
            let total: i64 = distribution.iter().map(|(v, keys)| v * keys).sum();
            assert_eq!(total, 0, "D = {d}, count {n}: {distribution:?}");
        }
        // Large counts are perturbed at all: the table is not the identity.
        assert!(ptable::shipped().distribution(d, 50).len() > 1);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Property 1: the published value depends on the set of records only, not on the order
    /// they are summed in or how often it is asked for.
    #[test]
    fn the_same_records_always_give_the_same_figure(mut keys in record_set(), d in 1..=LARGEST_D, k in 2i64..11) {
        let rules = Disclosure { k, max_noise: d };
        let first = rules.publish(cell_of(&keys));
        keys.reverse();
        prop_assert_eq!(rules.publish(cell_of(&keys)), first);
        keys.sort_unstable();
        prop_assert_eq!(rules.show(cell_of(&keys)), rules.text(first));
    }

    /// Properties 2 and 3 through the publication rules, on random record sets; and `<k`
    /// means a published count from 1 to k−1 and nothing else.
    #[test]
    fn published_counts_are_bounded_and_under_k_means_1_to_k_minus_1(keys in record_set(), d in 1..=LARGEST_D, k in 2i64..11) {
        let rules = Disclosure { k, max_noise: d };
        let n = keys.len() as i64;
        let text = rules.show(cell_of(&keys));
        if n == 0 {
            prop_assert_eq!(text, "0");
        } else if text == format!("<{k}") {
            prop_assert!(n <= k - 1 + d, "{n} shown as <{k} with D = {d}");
        } else {
            let shown: i64 = text.parse().unwrap();
            prop_assert!(shown >= k, "{shown} is under k = {k} and not shown as <{k}");
            prop_assert!((shown - n).abs() <= d);
        }
    }

    /// Property 5: add one record to a set. Whatever the set's own noise, the new set's noise,
    /// over the possible keys of the added record, has exactly the distribution of its count:
    /// knowing one tells nothing of the other. The same holds for a set with one record less.
    #[test]
    fn sets_differing_by_one_record_get_independent_noise(keys in record_set(), d in 1..=LARGEST_D) {
        let base = cell_of(&keys);
        let n = base.n;
        let mut seen = std::collections::BTreeMap::new();
        for added in 0..KEYS {
            let bigger = base + Cell::new(1, added);
            *seen.entry(noise(d, bigger.n, bigger.cell_key())).or_insert(0i64) += 1;
        }
        let expected: std::collections::BTreeMap<i64, i64> =
            ptable::shipped().distribution(d, n + 1).into_iter().collect();
        prop_assert_eq!(&seen, &expected);
        if let Some((removed, rest)) = keys.split_first() {
            let smaller = cell_of(rest);
            let mut seen = std::collections::BTreeMap::new();
            for key in 0..KEYS {
                let whole = smaller + Cell::new(1, key);
                *seen.entry(noise(d, whole.n, whole.cell_key())).or_insert(0i64) += 1;
            }
            let expected: std::collections::BTreeMap<i64, i64> =
                ptable::shipped().distribution(d, n).into_iter().collect();
            prop_assert_eq!(seen, expected, "removed key {}", removed);
        }
    }

    /// Shares and changes come from published counts, only when both are at least k, and a
    /// share only when its part is at least k short of its whole.
    #[test]
    fn shares_and_changes_need_two_published_counts_of_at_least_k(part in 0usize..60, extra in 0usize..60, seed in 0i64..KEYS, k in 2i64..11) {
        let rules = Disclosure { k, max_noise: 2 };
        let whole_keys: Vec<i64> = (0..(part + extra) as i64).map(|i| (seed + i * 977) % KEYS).collect();
        let (part_cell, whole_cell) = (cell_of(&whole_keys[..part]), cell_of(&whole_keys));
        let (p, w) = (rules.publish(part_cell), rules.publish(whole_cell));
        match rules.share(p, w) {
            Some(share) => {
                let (pv, wv) = (rules.usable(p).unwrap(), rules.usable(w).unwrap());
                // The nearest whole percent.
                let error = (share * wv * 2 - 200 * pv).abs();
                prop_assert!(error <= wv, "{share}% of {pv}/{wv}");
                prop_assert!(wv - pv >= k, "{share}% of {pv}/{wv} is within k of all");
            }
            None => prop_assert!(
                rules.usable(p).is_none()
                    || rules.usable(w).is_none()
                    || rules.usable(w).unwrap() - rules.usable(p).unwrap() < k
            ),
        }
        prop_assert_eq!(rules.change(p, Some(w)).is_some(), rules.usable(p).is_some() && rules.usable(w).is_some());
    }
}
