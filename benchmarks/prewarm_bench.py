"""First click → Checkout URL with a cold function, with and without the JS library's warm-up.

A cold function is a fresh interpreter behind Vercel's Python shim (as in vercel_bench). Without
warm-up the click pays the cold start: process start, imports, the first request. With it, the
library's GET /api/health reached the instance when the buy button came into view, so the click is
that instance's second request. (A customer takes longer to move to the button than a cold start
takes, which is what makes the warm-up land first.)
"""

from __future__ import annotations

import statistics
import tempfile

RUNS = 5


def run() -> list[tuple[str, object, str, str]]:
    from tests.support import vercel
    from tests.support.deploy import first_sale, seeded_emulator

    rows: list[tuple[str, object, str, str]] = []
    with seeded_emulator() as emu, tempfile.TemporaryDirectory() as tmp:
        env = {"STRIPE_SECRET_KEY": "sk_test_bench", "STRIPE_API_BASE": emu.url, "SITE_URL": "https://shop.example.com",
               "OUTBOX_DIR": f"{tmp}/outbox", "RATE_LIMIT_PER_MINUTE": "0", "DATABASE_URL": f"sqlite:///{tmp}/bench.db"}
        health = vercel.request("GET", "/api/health")
        create = vercel.request("POST", "/api/create-checkout-session", first_sale().body,
                                {"content-type": "application/json"})
        cold, warmed, warmup = [], [], []
        for _ in range(RUNS):
            without = vercel.invoke(vercel.ROOT, [create], env)
            assert without["results"][0]["statusCode"] == 200, without["results"][0]
            cold.append(without["first_response_s"] * 1000)
            with_warmup = vercel.invoke(vercel.ROOT, [health, create], env)
            assert [r["statusCode"] for r in with_warmup["results"]] == [200, 200]
            warmup.append(with_warmup["first_response_s"] * 1000)
            warmed.append(with_warmup["results"][1]["elapsed_ms"])
    rows.append(("click → Checkout URL, cold function, no warm-up", round(statistics.median(cold), 1), "ms",
                 f"median of {RUNS}: process start + imports + the request (Vercel shim, SQLite, emulator)"))
    rows.append(("click → Checkout URL, cold function, warmed on view", round(statistics.median(warmed), 1), "ms",
                 f"median of {RUNS}: the instance's second request, after the library's GET /api/health"))
    rows.append(("the warm-up itself (cold start + GET /api/health)", round(statistics.median(warmup), 1), "ms",
                 "paid while the customer looks at the page, not on the click"))
    return rows
