"""Peer for benches/metrics.rs: pandas `value_counts` on the same 10 million NPS answers.

Run once:  python3 benches/peers/pandas_value_counts.py
The generator is the bench's xorshift64* with the same seed and per-cent table, so both count the same bytes.
"""
import timeit

import numpy as np
import pandas as pd

N = 10_000_000
MASK = (1 << 64) - 1


def answers(n):
    table = [b % 7 if b <= 24 else (7 + b % 2 if b <= 54 else 9 + b % 2) for b in range(100)]
    out = np.empty(n, dtype=np.uint8)
    x = 0x9E3779B97F4A7C15
    for i in range(n):
        x ^= x >> 12
        x ^= (x << 25) & MASK
        x ^= x >> 27
        r = (x * 0x2545F4914F6CDD1D) & MASK
        out[i] = table[(r >> 32) % 100]
    return out


data = answers(N)
series = pd.Series(data)
counts = series.value_counts().sort_index()
print("counts:", counts.to_dict())
runs = 10
best = min(timeit.repeat(lambda: series.value_counts(), number=1, repeat=runs))
print(f"pandas {pd.__version__} value_counts on {N:,} uint8 answers: best of {runs} = {best * 1e3:.2f} ms "
      f"({N / best / 1e9:.3f} G answers/s)")
best_np = min(timeit.repeat(lambda: np.bincount(data, minlength=11), number=1, repeat=runs))
print(f"numpy bincount: best of {runs} = {best_np * 1e3:.2f} ms ({N / best_np / 1e9:.3f} G answers/s)")
