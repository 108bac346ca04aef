"""Our webhook signature check decides exactly as `stripe.Webhook.construct_event` does.

Each row of the table runs both implementations on the same body, header and
secret, and asserts that they agree and that the decision is the expected one.
`construct_event` also parses the JSON; only its signature decision is compared.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
import stripe

from checkout_kit.webhook_signature import (
    DEFAULT_TOLERANCE_S,
    SignatureError,
    compute_signature,
    sign_header,
    verify_header,
)

ROOT = Path(__file__).resolve().parents[2]
SECRET = "whsec_table_test_0123456789abcdef"
OTHER_SECRET = "whsec_someone_else_9876543210"
EVENT = json.dumps({"id": "evt_1", "object": "event", "type": "checkout.session.completed",
                    "data": {"object": {"id": "cs_test_a1"}}}).encode()
OTHER_EVENT = EVENT.replace(b"cs_test_a1", b"cs_test_a2")
UNICODE_EVENT = json.dumps({"id": "evt_2", "object": "event", "type": "x", "name": "Café ☕"},
                           ensure_ascii=False).encode("utf-8")
NOT_UTF8 = b"\xff\xfe"
NOT_UTF8_JSON = b'{"id": "evt_\xff", "object": "event", "type": "x"}'


def ours(payload: bytes, header: str | None, secret: str, tolerance: int = DEFAULT_TOLERANCE_S) -> bool:
    """Our decision: True if the signature is accepted."""
    try:
        verify_header(payload, header, secret, tolerance)
    except SignatureError:
        return False
    return True


def stripes(payload: bytes, header: str | None, secret: str, tolerance: int = DEFAULT_TOLERANCE_S) -> bool:
    """Stripe's signature decision, through `construct_event`.

    A JSON error comes after the signature passed, so it counts as accepted;
    `verify_header` decodes bytes first, so UnicodeDecodeError is a rejection
    (Stripe signs the text of the body). hmac.compare_digest raises TypeError on a
    non-ASCII signature inside stripe: it never accepts one, so that is a rejection.
    """
    try:
        stripe.Webhook.construct_event(payload, header, secret, tolerance=tolerance)
    except stripe.SignatureVerificationError:
        return False
    except UnicodeDecodeError:
        return False
    except TypeError:
        return False
    except ValueError:  # json.JSONDecodeError: the signature was fine
        return True
    return True


def stripe_helper(body: bytes, secret: str, ts: int) -> str:
    return stripe.WebhookSignature.generate_signature_header(body.decode("utf-8"), secret, timestamp=ts)


@dataclass(frozen=True)
class Row:
    name: str
    header: Callable[[int], str | None]  # built from "now"
    accept: bool
    payload: bytes = EVENT
    secret: str = SECRET
    tolerance: int = DEFAULT_TOLERANCE_S


def sig(ts: int, body: bytes = EVENT, secret: str = SECRET) -> str:
    return compute_signature(body, secret, ts)


ROWS = [
    Row("valid (ours signs)", lambda now: sign_header(EVENT, SECRET, now), True),
    Row("valid (stripe signs)", lambda now: stripe_helper(EVENT, SECRET, now), True),
    Row("valid, non-ASCII UTF-8 body", lambda now: sign_header(UNICODE_EVENT, SECRET, now), True,
        payload=UNICODE_EVENT),
    Row("stripe's header for a non-ASCII body", lambda now: stripe_helper(UNICODE_EVENT, SECRET, now), True,
        payload=UNICODE_EVENT),
    Row("tampered body", lambda now: sign_header(EVENT, SECRET, now), False, payload=OTHER_EVENT),
    Row("body with a byte appended", lambda now: sign_header(EVENT, SECRET, now), False, payload=EVENT + b" "),
    Row("wrong secret", lambda now: sign_header(EVENT, OTHER_SECRET, now), False),
    Row("signed for another timestamp", lambda now: f"t={now},v1={sig(now - 1)}", False),
    Row("stale: 310 s old", lambda now: sign_header(EVENT, SECRET, now - 310), False),
    Row("stale: a day old", lambda now: sign_header(EVENT, SECRET, now - 86400), False),
    Row("inside tolerance: 290 s old", lambda now: sign_header(EVENT, SECRET, now - 290), True),
    Row("stale but tolerance 0 (off)", lambda now: sign_header(EVENT, SECRET, now - 86400), True, tolerance=0),
    Row("stale for a 60 s tolerance", lambda now: sign_header(EVENT, SECRET, now - 120), False, tolerance=60),
    Row("future timestamp accepted", lambda now: sign_header(EVENT, SECRET, now + 3600), True),
    Row("far future accepted", lambda now: sign_header(EVENT, SECRET, now + 10 ** 8), True),
    Row("several v1, last matches", lambda now: f"t={now},v1={'0' * 64},v1={sig(now, EVENT, OTHER_SECRET)},"
        f"v1={sig(now)}", True),
    Row("several v1, first matches", lambda now: f"t={now},v1={sig(now)},v1={'f' * 64}", True),
    Row("several v1, none matches", lambda now: f"t={now},v1={'0' * 64},v1={sig(now, EVENT, OTHER_SECRET)}",
        False),
    Row("only a v0 scheme", lambda now: f"t={now},v0={sig(now)}", False),
    Row("v0 and a valid v1", lambda now: f"t={now},v0={'0' * 64},v1={sig(now)}", True),
    Row("scheme in capitals", lambda now: f"t={now},V1={sig(now)}", False),
    Row("missing header (None)", lambda now: None, False),
    Row("missing header (empty)", lambda now: "", False),
    Row("garbage", lambda now: "garbage", False),
    Row("non-numeric t", lambda now: f"t=abc,v1={sig(now)}", False),
    Row("empty t", lambda now: f"t=,v1={sig(now)}", False),
    Row("no t=", lambda now: f"v1={sig(now)}", False),
    Row("bare t item", lambda now: f"t,v1={sig(now)}", False),
    Row("bare v1 item after a valid one", lambda now: f"t={now},v1={sig(now)},v1", False),
    Row("bare t item after a valid one", lambda now: f"t={now},v1={sig(now)},t", False),
    Row("no v1 at all", lambda now: f"t={now}", False),
    Row("empty v1", lambda now: f"t={now},v1=", False),
    Row("first t wins (it is the signed one)", lambda now: f"t={now},t={now - 1000},v1={sig(now)}", True),
    Row("first t wins (it is not the signed one)", lambda now: f"t={now - 1000},t={now},v1={sig(now)}", False),
    Row("second t malformed is never read", lambda now: f"t={now},t=abc,v1={sig(now)}", True),
    Row("signature with trailing =junk", lambda now: f"t={now},v1={sig(now)}=junk", True),
    Row("timestamp with trailing =junk", lambda now: f"t={now}=junk,v1={sig(now)}", True),
    Row("space after the comma", lambda now: f"t={now}, v1={sig(now)}", False),
    Row("space before t", lambda now: f" t={now},v1={sig(now)}", False),
    Row("space around the t value", lambda now: f"t= {now} ,v1={sig(now)}", True),
    Row("space inside the v1 value", lambda now: f"t={now},v1= {sig(now)}", False),
    Row("space before = in the key", lambda now: f"t={now},v1 ={sig(now)}", False),
    Row("trailing comma", lambda now: f"t={now},v1={sig(now)},", True),
    Row("unknown extra scheme", lambda now: f"t={now},v1={sig(now)},x=1", True),
    Row("uppercase hex", lambda now: f"t={now},v1={sig(now).upper()}", False),
    Row("truncated hex", lambda now: f"t={now},v1={sig(now)[:-1]}", False),
    Row("non-ASCII signature", lambda now: f"t={now},v1={sig(now)[:-1]}é", False),
    Row("non-ASCII only", lambda now: f"t={now},v1=é", False),
    Row("underscores in t (int() reads them)", lambda now: f"t={str(now)[:4]}_{str(now)[4:]},v1={sig(now)}", True),
    Row("t with a plus sign", lambda now: f"t=+{now},v1={sig(now)}", True),
    Row("body not UTF-8, signed over its bytes", lambda now: sign_header(NOT_UTF8, SECRET, now), False,
        payload=NOT_UTF8),
    Row("JSON body with a non-UTF-8 byte", lambda now: sign_header(NOT_UTF8_JSON, SECRET, now), False,
        payload=NOT_UTF8_JSON),
    Row("empty secret", lambda now: sign_header(EVENT, "", now), False, secret=""),
    Row("blank secret", lambda now: sign_header(EVENT, "  ", now), False, secret="  "),
    Row("empty body, signed (JSON fails later)", lambda now: sign_header(b"", SECRET, now), True, payload=b""),
]


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_same_decision_as_stripe(row: Row) -> None:
    now = int(time.time())
    header = row.header(now)
    theirs = stripes(row.payload, header, row.secret, row.tolerance)
    mine = ours(row.payload, header, row.secret, row.tolerance)
    assert theirs == row.accept, f"stripe-python decided {theirs} for {header!r}"
    assert mine == theirs, f"we decided {mine}, stripe-python {theirs}, for {header!r}"


def test_table_covers_both_decisions() -> None:
    decisions = [r.accept for r in ROWS]
    assert decisions.count(True) >= 10 and decisions.count(False) >= 20


def test_signature_matches_stripes_own() -> None:
    now = 1_700_000_000
    for body in (EVENT, UNICODE_EVENT, b"{}"):
        assert sign_header(body, SECRET, now) == stripe_helper(body, SECRET, now)
        assert compute_signature(body, SECRET, now) == stripe.WebhookSignature._compute_signature(
            f"{now}.{body.decode()}", SECRET)


def test_verify_returns_the_timestamp() -> None:
    now = int(time.time())
    assert verify_header(EVENT, sign_header(EVENT, SECRET, now - 5), SECRET) == now - 5


def test_tolerance_boundary_with_a_fixed_clock() -> None:
    ts = 1_700_000_000
    header = sign_header(EVENT, SECRET, ts)
    assert verify_header(EVENT, header, SECRET, now=ts + 300) == ts  # exactly 300 s old: still inside
    with pytest.raises(SignatureError, match="tolerance"):
        verify_header(EVENT, header, SECRET, now=ts + 300.001)
    assert verify_header(EVENT, header, SECRET, now=ts - 10 ** 6) == ts  # from the future: accepted


def test_sign_header_defaults_to_now() -> None:
    before = int(time.time())
    header = sign_header(EVENT, SECRET)
    ts = int(header.split(",")[0].removeprefix("t="))
    assert before <= ts <= int(time.time())
    assert verify_header(EVENT, header, SECRET) == ts


def test_errors_are_signature_errors_never_others() -> None:
    """Whatever the header holds, the verifier raises SignatureError (a 400), never TypeError (a 500)."""
    now = int(time.time())
    for header in ("t=1,v1=\udcff", f"t={now},v1=ü" * 3, "=,=,=", ",,,", "t==,v1==", "t=1" + "0" * 5000 + ",v1=a"):
        with pytest.raises(SignatureError):
            verify_header(EVENT, header, SECRET)


def _random_header(rng: random.Random, now: int, good: str) -> str:
    pieces = [f"t={now}", f"t={now - 400}", f"t={now + 50}", "t=", "t", "t=x", f"v1={good}", f"v1={good.upper()}",
              "v1=", "v1", f"v0={good}", f" v1={good}", f"v1={good} ", f"v1={good}=x", "x=y", "", " ", "=",
              f"t= {now}", f"v1={'0' * 64}"]
    return ",".join(rng.choice(pieces) for _ in range(rng.randint(1, 5)))


def test_random_headers_agree_with_stripe() -> None:
    """A seeded fuzz over header shapes: every decision matches stripe-python's."""
    rng = random.Random(20240601)
    now = int(time.time())
    good = sig(now)
    seen = set()
    for _ in range(3000):
        header = _random_header(rng, now, good)
        theirs, mine = stripes(EVENT, header, SECRET), ours(EVENT, header, SECRET)
        assert mine == theirs, f"we decided {mine}, stripe-python {theirs}, for {header!r}"
        seen.add(theirs)
    assert seen == {True, False}


@pytest.mark.parametrize("module", ["checkout_kit.webhook_signature", "checkout_kit.webhooks"])
def test_no_stripe_import(module: str) -> None:
    code = (f"import sys, {module}; "
            "print(sorted(m for m in sys.modules if m == 'stripe' or m.startswith('stripe.')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_handling_a_webhook_imports_no_stripe(tmp_path: Path) -> None:
    """Not only the import: verifying and answering a real delivery leaves `stripe` unloaded."""
    code = f"""
import io, json, sys
from checkout_kit.config import from_env
from checkout_kit.services import Services
from checkout_kit.web import App
from checkout_kit.webhook_signature import sign_header
settings = from_env({{"DATABASE_URL": "sqlite:///{tmp_path}/o.db", "STRIPE_WEBHOOK_SECRET": "{SECRET}",
                     "CATALOG_PATH": "{ROOT}/tests/fixtures/catalog.toml"}})
body = json.dumps({{"id": "evt_x", "type": "customer.created", "data": {{"object": {{"id": "cus_1"}}}}}}).encode()
environ = {{"REQUEST_METHOD": "POST", "PATH_INFO": "/api/webhook", "CONTENT_LENGTH": str(len(body)),
           "wsgi.input": io.BytesIO(body), "HTTP_STRIPE_SIGNATURE": sign_header(body, "{SECRET}")}}
status = []
App(Services(settings))(environ, lambda s, h: status.append(s))
print(status[0], sorted(m for m in sys.modules if m == "stripe" or m.startswith("stripe.")))
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "200 OK []"
