"""`python -m checkout_kit emulator` as a user starts it from a terminal."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import stripe

from tests.support.servers import WebhookReceiver, free_port

ROOT = Path(__file__).resolve().parents[2]


def test_emulator_command_serves_prints_cards_and_delivers(tmp_path):
    port = free_port()
    receiver = WebhookReceiver()
    proc = subprocess.Popen(
        [sys.executable, "-m", "checkout_kit", "emulator", "--port", str(port),
         "--webhook-url", receiver.url, "--webhook-secret", "whsec_cli"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines = []
        deadline = time.time() + 20
        while time.time() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if "Ctrl-C" in line:
                break
        banner = "".join(lines)
        assert f"http://127.0.0.1:{port}" in banner
        assert "4242 4242 4242 4242" in banner and "4000 0027 6000 3184" in banner
        client = stripe.StripeClient("sk_test_cli", base_addresses={"api": f"http://127.0.0.1:{port}"})
        product = client.v1.products.create(params={"name": "CLI"})
        assert client.v1.products.retrieve(product.id).name == "CLI"
        received = receiver.wait_for(lambda rs: len(rs) >= 1)
        event = stripe.Webhook.construct_event(received[0].body, received[0].headers["Stripe-Signature"], "whsec_cli")
        assert event.type == "product.created"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        receiver.close()


def test_busy_port_gives_a_clear_message():
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "checkout_kit", "emulator", "--port", str(port)],
                                cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert f"Cannot listen on 127.0.0.1:{port}" in result.stderr and "--port" in result.stderr
