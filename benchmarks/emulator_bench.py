"""The emulator under load: create-session latency through the official SDK, and
requests per second from several client threads on loopback."""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from urllib.parse import urlencode

import stripe

from checkout_kit.emulator import Emulator

SESSIONS = 400
THREADS = 4
RPS_SECONDS = 3.0


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run() -> list[tuple[str, object, str, str]]:
    with Emulator(port=0, settle_after=None) as emu:
        client = stripe.StripeClient("sk_test_bench", base_addresses={"api": emu.url}, max_network_retries=0)
        price = client.v1.prices.create(params={"product_data": {"name": "Bench"}, "unit_amount": 1000, "currency": "usd"})
        params = {"mode": "payment", "line_items": [{"price": price.id, "quantity": 1}],
                  "success_url": "https://shop.example/s?session_id={CHECKOUT_SESSION_ID}"}
        for _ in range(20):  # warm up
            client.v1.checkout.sessions.create(params=params)
        latencies = []
        for _ in range(SESSIONS):
            t = time.perf_counter()
            client.v1.checkout.sessions.create(params=params)
            latencies.append((time.perf_counter() - t) * 1000)

        body = urlencode({"mode": "payment", "line_items[0][price]": price.id, "line_items[0][quantity]": "1",
                          "success_url": "https://shop.example/s"})
        host, port = emu.url.removeprefix("http://").split(":")
        counts = [0] * THREADS
        stop = time.perf_counter() + RPS_SECONDS

        def worker(n: int) -> None:
            while time.perf_counter() < stop:
                conn = http.client.HTTPConnection(host, int(port), timeout=10)
                conn.request("POST", "/v1/checkout/sessions", body, {
                    "Authorization": "Bearer sk_test_bench", "Content-Type": "application/x-www-form-urlencoded"})
                resp = conn.getresponse()
                resp.read()
                conn.close()
                if resp.status == 200:
                    counts[n] += 1

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
    return [
        ("create session p50 (SDK)", round(statistics.median(latencies), 2), "ms", f"{SESSIONS} sequential calls"),
        ("create session p99 (SDK)", round(percentile(latencies, 0.99), 2), "ms", ""),
        ("create session throughput", round(sum(counts) / elapsed, 1), "req/s", f"{THREADS} client threads, {RPS_SECONDS:.0f} s"),
    ]
