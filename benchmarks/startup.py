"""Start-up costs in fresh interpreters, beside the reference `import flask, stripe`."""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7


def fresh_import_seconds(code: str, runs: int = RUNS) -> float:
    """Median wall time of `python -c code` minus an empty interpreter's."""
    def timed(snippet: str) -> float:
        out = subprocess.run(
            [sys.executable, "-c", "import time; t=time.perf_counter();" + snippet + ";print(time.perf_counter()-t)"],
            cwd=ROOT, capture_output=True, text=True, check=True)
        return float(out.stdout.strip().splitlines()[-1])
    return statistics.median(timed(code) for _ in range(runs))


def reference_seconds() -> float:
    return fresh_import_seconds("import flask, stripe")


def run() -> list[tuple[str, object, str, str]]:
    ref = reference_seconds()
    emu = fresh_import_seconds("import checkout_kit.emulator")
    return [
        ("reference: import flask, stripe", round(ref * 1000, 1), "ms", f"median of {RUNS} fresh interpreters"),
        ("import checkout_kit.emulator", round(emu * 1000, 1), "ms", f"{emu / ref:.2f}x the reference"),
    ]
