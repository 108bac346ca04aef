"""What a customer's browser downloads: the JS library's size (budget 2 KB gzipped) and the pages'."""

from __future__ import annotations

import gzip
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET = 2048


def gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9))


def run() -> list[tuple[str, object, str, str]]:
    lib = ROOT / "js" / "stripe-checkout.js"
    rows: list[tuple[str, object, str, str]] = [
        ("js/stripe-checkout.js gzipped", gz(lib), "bytes", f"budget {BUDGET}; {lib.stat().st_size} bytes raw"),
    ]
    for page in ("js/success.js", "site/index.html", "site/styles.css", "success.html"):
        rows.append((f"{page} gzipped", gz(ROOT / page), "bytes", ""))
    return rows
