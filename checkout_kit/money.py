"""Formatting amounts given in a currency's smallest unit, as Stripe sends them.

`CURRENCIES` is the one table the shop formats money with: Python (emails, the
emulator's pages, invoices) reads it here, and the browser reads the same table
from `js/money.js`, which `python -m checkout_kit.money` writes from it (a test
keeps the copy equal and checks both format every currency identically).

Decimals follow Stripe's API, not ISO 4217 alone: Stripe's zero-decimal
currencies take whole units (`500` JPY is ¥500); its three-decimal ones take
thousandths (`1500` KWD is 1.500 KWD); everything else, including HUF, ISK,
TWD and UGX's cousins that Stripe represents with two decimals, takes
hundredths (`50000` HUF is 500.00 HUF). The rule is deliberately locale-free
(`,` groups thousands, `.` separates decimals), so every page and email of one
order reads the same.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

# Stripe's zero-decimal currencies: amounts are whole units.
ZERO_DECIMAL = frozenset(
    "bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split()
)
# Stripe's three-decimal currencies.
THREE_DECIMAL = frozenset({"bhd", "jod", "kwd", "omr", "tnd"})
# Every currency Stripe accepts for payments.
STRIPE_CURRENCIES = tuple("""
usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd bwp byn bzd cad cdf
chf clp cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel gip gmd gnf gtq gyd hkd hnl htg huf
idr ils inr isk jmd jod jpy kes kgs khr kmf krw kwd kyd kzt lak lbp lkr lrd lsl mad mdl mga mkd mmk mnt mop
mur mvr mwk mxn myr mzn nad ngn nio nok npr nzd omr pab pen pgk php pkr pln pyg qar ron rsd rub rwf sar sbd
scr sek sgd shp sle sos srd std szl thb tjs tnd top try ttd twd tzs uah ugx uyu uzs vnd vuv wst xaf xcd xof
xpf yer zar zmw""".split())
# A symbol where it is unambiguous to a buyer; other currencies show their code after the number.
SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥", "inr": "₹", "krw": "₩", "cad": "CA$",
           "aud": "A$", "nzd": "NZ$", "chf": "CHF ", "sek": "SEK ", "nok": "NOK ", "dkk": "DKK "}


def _places(code: str) -> int:
    return 0 if code in ZERO_DECIMAL else 3 if code in THREE_DECIMAL else 2


# code -> [decimal places, symbol or ""]: the shared table (js/money.js carries a copy).
CURRENCIES: dict[str, list[object]] = {code: [_places(code), SYMBOLS.get(code, "")] for code in STRIPE_CURRENCIES}


def decimals(currency: str) -> int:
    entry = CURRENCIES.get(currency.lower())
    return int(entry[0]) if entry else 2  # type: ignore[call-overload]


def format_amount(amount: int, currency: str, display: str = "symbol") -> str:
    """`1999, "usd"` -> `"$19.99"`; currencies without a symbol, or `display="code"` ([shop]
    currency_display), get their code: `"19.99 PLN"`, `"19.99 USD"`.

    Integer arithmetic only (no float rounding), so large amounts format exactly.
    """
    code = currency.lower()
    places = decimals(code)
    sign = "-" if amount < 0 else ""
    whole, frac = divmod(abs(int(amount)), 10 ** places)
    number = f"{whole:,}" + (f".{frac:0{places}d}" if places else "")
    symbol = str(CURRENCIES.get(code, [2, ""])[1]) if display == "symbol" else ""
    if symbol:
        return f"{sign}{symbol}{number}"
    return f"{sign}{number} {code.upper()}"


def to_major(amount: int, currency: str) -> str:
    """The amount as a plain decimal string in major units (`1999, "usd"` -> `"19.99"`), for CSV and PDFs."""
    places = decimals(currency)
    whole, frac = divmod(abs(int(amount)), 10 ** places)
    return ("-" if amount < 0 else "") + str(whole) + (f".{frac:0{places}d}" if places else "")


# ---- the browser's copy ---------------------------------------------------

JS_FILE = Path(__file__).resolve().parent.parent / "js" / "money.js"
TABLE_LINE = re.compile(r"^  var TABLE = (\{.*\});$", re.MULTILINE)


def js_table_line() -> str:
    return "  var TABLE = " + json.dumps(CURRENCIES, separators=(",", ":"), ensure_ascii=False) + ";"


def write_js(path: Path = JS_FILE) -> bool:
    """Put the current table into js/money.js; True if the file changed."""
    text = path.read_text(encoding="utf-8")
    updated = TABLE_LINE.sub(lambda _: js_table_line(), text, count=1)
    if updated != text:
        path.write_text(updated, encoding="utf-8")
    return updated != text


if __name__ == "__main__":
    print("js/money.js " + ("updated" if write_js() else "already current"))
    sys.exit(0)
