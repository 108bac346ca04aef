"""One money table for Python and the browser: every Stripe currency formats the same in both.

The browser's copy (js/money.js) is run in Node, the way success.html runs it, over
amounts that exercise rounding-free grouping, zero- and three-decimal currencies and
negatives; its output must equal `checkout_kit.money.format_amount` for each.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from checkout_kit import money
from tests.support.tools import require

AMOUNTS = (0, 5, 99, 1999, 50000, 123456789, -2500)


def test_js_copy_of_the_table_is_current():
    text = money.JS_FILE.read_text(encoding="utf-8")
    assert money.js_table_line() in text, "run: python -m checkout_kit.money"


@pytest.mark.parametrize("amount,currency,text", [
    (1999, "usd", "$19.99"), (500, "jpy", "¥500"), (123456, "eur", "€1,234.56"), (1000, "pln", "10.00 PLN"),
    (1500, "kwd", "1.500 KWD"), (50000, "huf", "500.00 HUF"), (12345, "bhd", "12.345 BHD"),
    (1000000, "vnd", "1,000,000 VND"), (-2500, "gbp", "-£25.00"), (1, "tnd", "0.001 TND"),
])
def test_python_formats_as_stripe_counts(amount, currency, text):
    assert money.format_amount(amount, currency) == text


def test_table_covers_stripes_decimal_rules():
    assert {c for c, (places, _) in money.CURRENCIES.items() if places == 0} == money.ZERO_DECIMAL
    assert {c for c, (places, _) in money.CURRENCIES.items() if places == 3} == money.THREE_DECIMAL
    assert len(money.CURRENCIES) >= 130


def test_browser_and_python_agree_on_every_currency():
    require("node", why="js/money.js runs in Node to compare with Python")
    script = (f"{money.JS_FILE.read_text(encoding='utf-8')}\n"
              f"const out = {{}}; for (const c of Object.keys(CheckoutKitMoney.table)) "
              f"out[c] = {json.dumps(AMOUNTS)}.map(a => CheckoutKitMoney.format(a, c));"
              f"out['XYZ'] = [CheckoutKitMoney.format(1234, 'xyz')];"
              f"process.stdout.write(JSON.stringify(out));")
    result = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=60, check=True)
    browser = json.loads(result.stdout)
    assert set(browser) - {"XYZ"} == set(money.CURRENCIES)
    for code in money.CURRENCIES:
        assert browser[code] == [money.format_amount(a, code) for a in AMOUNTS], code
    assert browser["XYZ"] == [money.format_amount(1234, "xyz")]
