"""Capture of hostile files: each is refused in bounded time and memory. Every file is
read in a fresh child process, so its peak resident memory (C libraries included, which
tracemalloc cannot see) is its own; the baseline is a good one-page text certificate and a
photographed one read the same way. The photo's time includes loading the OCR models
(once per worker process)."""

from __future__ import annotations

import json
import subprocess
import sys

from cmeledger.capture import evaluation
from cmeledger.ledger.testing import make_encrypted_pdf, make_huge_png_header, make_pdf

CHILD = """
import json, os, sys, time
import django
def high_water():
    # VmHWM belongs to this process's own memory map (ru_maxrss can carry the parent's
    # peak across exec on Linux).
    with open("/proc/self/status") as status:
        line = next(l for l in status if l.startswith("VmHWM:"))
    return int(line.split()[1])
django.setup()
from cmeledger.capture.reading import capture
from cmeledger.ledger.certificates import CertificateRejected
data = sys.stdin.buffer.read()
before = high_water()
started = time.perf_counter()
try:
    outcome = f"{len(capture(data).drafts)} draft(s)"
except CertificateRejected as error:
    outcome = f"refused: {error}"
seconds = time.perf_counter() - started
peak = high_water()
print(json.dumps({"seconds": seconds, "peak_mib": peak / 1024,
                  "grew_mib": (peak - before) / 1024, "outcome": outcome}))
"""


def _read_in_child(data: bytes) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD], input=data, capture_output=True, check=True, timeout=300
    )
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


def _png_bomb() -> bytes:
    """A real image of 900 megapixels that compresses to a few hundred kilobytes."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (30_000, 30_000)).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def files() -> list[tuple[str, bytes]]:
    sample = evaluation.build(per_layout=1, seed=5)[0]
    return [
        ("good text PDF, 1 page (baseline)", sample.pdf),
        ("good photo (baseline)", evaluation.photographed(sample.pdf, 5)[0]),
        ("PDF of 5,000 pages", make_pdf("page", pages=5000)),
        ("PNG declaring 100,000 x 100,000 pixels", make_huge_png_header()),
        ("PNG bomb: 30,000 x 30,000 real pixels", _png_bomb()),
        ("password-protected PDF", make_encrypted_pdf()),
        ("PDF cut off half-way", sample.pdf[: len(sample.pdf) // 2]),
        ("PDF of random bytes", b"%PDF-1.7\n" + bytes(range(256)) * 400 + b"\n%%EOF"),
    ]


def run() -> None:
    print("\nCapture: hostile files, each read in a fresh process")
    baseline = None
    for label, data in files():
        got = _read_in_child(data)
        if baseline is None:
            baseline = got
        ratio = got["seconds"] / max(baseline["seconds"], 1e-6)
        print(
            f"  {label:<40} {got['seconds'] * 1000:9.1f} ms ({ratio:6.2f}x)  "
            f"peak {got['peak_mib']:6.1f} MiB (+{got['grew_mib']:5.1f} reading)  "
            f"{got['outcome'][:70]}"
        )
