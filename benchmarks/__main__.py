"""Run every benchmark: `python -m benchmarks [name …]`.

Each benchmark returns rows of (metric, value, unit, note). Timings are
measured here, never asserted in tests. The reference point for start-up cost,
`import flask, stripe` in a fresh interpreter, is measured in the same run.
"""

from __future__ import annotations

import json
import platform
import sys
import time
from pathlib import Path

from benchmarks import (
    core_bench, desk_bench, emulator_bench, netlify_bench, prewarm_bench, site_bench, startup, storm_bench,
    vercel_bench,
)

SUITES = {
    "startup": startup.run,
    "emulator": emulator_bench.run,
    "core": core_bench.run,
    "vercel": vercel_bench.run,
    "netlify": netlify_bench.run,
    "site": site_bench.run,
    "prewarm": prewarm_bench.run,
    "storm": storm_bench.run,
    "desk": desk_bench.run,
}
RESULTS = Path(__file__).with_name("results.json")


def main(argv: list[str]) -> int:
    chosen = argv or list(SUITES)
    unknown = [name for name in chosen if name not in SUITES]
    if unknown:
        print(f"Unknown benchmark(s): {', '.join(unknown)}. Known: {', '.join(SUITES)}", file=sys.stderr)
        return 2
    rows: list[dict[str, object]] = []
    for name in chosen:
        print(f"… {name}", file=sys.stderr, flush=True)
        for metric, value, unit, note in SUITES[name]():
            rows.append({"suite": name, "metric": metric, "value": value, "unit": unit, "note": note})
    width = max(len(str(r["metric"])) for r in rows)
    print(f"\n{'suite':<10} {'metric':<{width}} {'value':>12} unit    note")
    for r in rows:
        value = r["value"]
        shown = f"{value:,.2f}" if isinstance(value, float) else f"{value:,}" if isinstance(value, int) else str(value)
        print(f"{r['suite']:<10} {r['metric']:<{width}} {shown:>12} {r['unit']:<7} {r['note']}")
    if argv and RESULTS.exists():  # a partial run updates its suites and keeps the others
        kept = [r for r in json.loads(RESULTS.read_text()).get("results", []) if r["suite"] not in chosen]
        rows = kept + rows
    RESULTS.write_text(json.dumps({
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "python": sys.version.split()[0], "machine": platform.machine(), "results": rows,
    }, indent=2))
    print(f"\nwrote {RESULTS}")
    return 0


raise SystemExit(main(sys.argv[1:]))
