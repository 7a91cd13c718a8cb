"""Small measuring helpers: wall time over repeats, and peak Python memory."""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    median_s: float
    p90_s: float
    peak_mib: float

    def line(self, label: str) -> str:
        return (
            f"{label:<48} median {self.median_s * 1000:9.1f} ms   p90 {self.p90_s * 1000:9.1f} ms"
            f"   peak {self.peak_mib:7.1f} MiB"
        )


def measure(fn: Callable[[], object], repeats: int = 7, warmup: int = 1) -> Measure:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    times.sort()
    p90 = times[min(len(times) - 1, int(round(0.9 * (len(times) - 1))))]
    return Measure(statistics.median(times), p90, peak / 1_048_576)
