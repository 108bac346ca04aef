"""A one-page invoice PDF, written by hand (no dependency): PDF 1.4, the
standard Helvetica fonts in WinAnsi encoding, one content stream of text
lines and rules. Enough for a real reader to open, search and extract:
the shop, the buyer (and their tax IDs), each line, discount, shipping, tax
and total, the footer and custom fields.

Amounts are written as `12.00 EUR` (major units and code) so every currency
reads correctly in a font without its symbol.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from checkout_kit.money import to_major

PAGE_W, PAGE_H = 595, 842  # A4 in points
LEFT, RIGHT = 56, 539


@dataclass
class InvoiceDoc:
    """What the PDF shows; amounts in the smallest unit of `currency`."""

    number: str
    issued: int
    shop: str
    buyer_name: str | None
    buyer_email: str | None
    buyer_tax_ids: list[tuple[str, str]]
    currency: str
    lines: list[tuple[str, int, int]]  # (description, quantity, amount)
    subtotal: int
    discount: int
    shipping: int
    tax: int
    total: int
    status: str = "Paid"
    footer: str | None = None
    custom_fields: list[tuple[str, str]] = field(default_factory=list)
    description: str | None = None


def money(amount: int, currency: str) -> str:
    return f"{to_major(amount, currency)} {currency.upper()}"


def _text(value: str) -> bytes:
    """A PDF string literal in WinAnsi (cp1252), escaped; characters it lacks become '?'."""
    raw = value.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


class _Page:
    def __init__(self) -> None:
        self.ops: list[bytes] = []
        self.y = PAGE_H - 64

    def text(self, x: float, y: float, value: str, size: float = 10, bold: bool = False) -> None:
        font = b"/F2" if bold else b"/F1"
        self.ops.append(b"BT " + font + f" {size} Tf {x:.1f} {y:.1f} Td ".encode() + _text(value) + b" Tj ET")

    def right(self, x: float, y: float, value: str, size: float = 10, bold: bool = False) -> None:
        # Helvetica digits are 0.556 em; a rough width keeps amounts right-aligned without font metrics.
        self.text(x - len(value) * size * 0.52, y, value, size, bold)

    def rule(self, y: float) -> None:
        self.ops.append(f"0.8 w {LEFT} {y:.1f} m {RIGHT} {y:.1f} l S".encode())

    def line(self, value: str = "", size: float = 10, bold: bool = False, gap: float = 15) -> None:
        if value:
            self.text(LEFT, self.y, value, size, bold)
        self.y -= gap


def _content(doc: InvoiceDoc) -> bytes:
    page = _Page()
    page.text(LEFT, page.y, doc.shop, 18, bold=True)
    page.right(RIGHT, page.y, "INVOICE", 18, bold=True)
    page.y -= 30
    issued = dt.datetime.fromtimestamp(doc.issued, dt.timezone.utc).strftime("%Y-%m-%d")
    page.line(f"Invoice number: {doc.number}")
    page.line(f"Date of issue: {issued}")
    page.line(f"Status: {doc.status}", gap=25)
    page.line("Bill to", bold=True)
    for value in (doc.buyer_name, doc.buyer_email):
        if value:
            page.line(value)
    for kind, value in doc.buyer_tax_ids:
        page.line(f"Tax ID ({kind.replace('_', ' ').upper()}): {value}")
    page.y -= 10
    for name, value in doc.custom_fields:
        page.line(f"{name}: {value}")
    if doc.description:
        page.line(doc.description)
    page.y -= 10
    page.text(LEFT, page.y, "Description", bold=True)
    page.right(400, page.y, "Qty", bold=True)
    page.right(RIGHT, page.y, "Amount", bold=True)
    page.y -= 8
    page.rule(page.y)
    page.y -= 16
    for description, quantity, amount in doc.lines:
        page.text(LEFT, page.y, description[:70])
        page.right(400, page.y, str(quantity))
        page.right(RIGHT, page.y, money(amount, doc.currency))
        page.y -= 16
    page.rule(page.y + 6)
    page.y -= 10
    rows = [("Subtotal", doc.subtotal)]
    if doc.discount:
        rows.append(("Discount", -doc.discount))
    if doc.shipping:
        rows.append(("Shipping", doc.shipping))
    if doc.tax:
        rows.append(("Tax", doc.tax))
    for label, amount in rows:
        page.text(330, page.y, label)
        page.right(RIGHT, page.y, money(amount, doc.currency))
        page.y -= 16
    page.text(330, page.y, "Total", bold=True)
    page.right(RIGHT, page.y, money(doc.total, doc.currency), bold=True)
    page.y -= 16
    page.text(330, page.y, "Amount paid")
    page.right(RIGHT, page.y, money(doc.total if doc.status == "Paid" else 0, doc.currency))
    if doc.footer:
        page.text(LEFT, 60, doc.footer[:110], 8)
    page.text(LEFT, 44, "Issued by the offline Stripe emulator: a test document, not a tax invoice.", 7)
    return b"\n".join(page.ops)


def render(doc: InvoiceDoc) -> bytes:
    """The PDF file's bytes."""
    stream = _content(doc)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>".encode(),
        f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Title " + _text(f"Invoice {doc.number}") + b" /Producer (checkout-kit emulator) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
