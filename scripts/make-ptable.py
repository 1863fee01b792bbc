#!/usr/bin/env python3
"""Writes data/ptable.csv, the perturbation table of the evidence summaries.

Each row says: for a count with this value (`count`) whose cell key (the sum of its records'
keys modulo 4096) lies from `ckey_from` to `ckey_to`, publish `count + noise`, when the largest
noise allowed (the setting `evidence_max_noise`) is `max_noise`. docs/EVIDENCE.md explains the
design; tests/integration/perturbation.rs proves its properties. Run from the repository root:

    python3 scripts/make-ptable.py > data/ptable.csv
"""

KEYS = 4096          # record and cell keys run from 0 to 4095
ROWS = 32            # counts 0..=32 have rows; larger counts reuse rows 17..=32
OUTER = 64           # cell keys (of 4096) given to each of the noises +D and -D, when D >= 2
STEP = 2411          # moves each row's layout so rows with one distribution differ in layout


def distribution(d):
    """Cell keys per noise value for a count too large to be near zero: half unchanged, the
    rest symmetric, the largest noises rare."""
    keys = {0: KEYS // 2}
    if d == 1:
        keys[1] = keys[-1] = KEYS // 4
        return keys
    inner = (KEYS // 2 - 2 * OUTER) // (2 * (d - 1))
    for j in range(1, d):
        keys[j] = keys[-j] = inner
    keys[d] = keys[-d] = OUTER
    assert sum(keys.values()) == KEYS
    return keys


def row(d, count):
    """The distribution for one count: noise never takes a non-zero count to zero or below, and
    the support stays symmetric (so the noise averages zero) by folding the weight of noises
    the count cannot take onto the largest it can."""
    if count == 0:
        return {0: KEYS}
    reach = min(d, count - 1)
    keys = {}
    for j, n in distribution(d).items():
        folded = max(-reach, min(reach, j))
        keys[folded] = keys.get(folded, 0) + n
    return keys


def layout(keys, offset):
    """Contiguous cell-key ranges, noise 0 first, then +1, -1, +2, -2, ..., from `offset`,
    wrapping past 4095."""
    order = sorted(keys, key=lambda j: (abs(j), -j))
    start = offset
    for noise in order:
        n = keys[noise]
        end = start + n - 1
        if end < KEYS:
            yield noise, start, end
        else:
            yield noise, start, KEYS - 1
            yield noise, 0, end - KEYS
        start = (end + 1) % KEYS


def main():
    print("max_noise,count,noise,ckey_from,ckey_to")
    for d in range(1, 6):
        for count in range(ROWS + 1):
            ranges = sorted(layout(row(d, count), (count * STEP) % KEYS), key=lambda r: r[1])
            merged = []
            for noise, start, end in ranges:
                if merged and merged[-1][0] == noise and merged[-1][2] + 1 == start:
                    merged[-1] = (noise, merged[-1][1], end)
                else:
                    merged.append((noise, start, end))
            for noise, start, end in merged:
                print(f"{d},{count},{noise},{start},{end}")


if __name__ == "__main__":
    main()
