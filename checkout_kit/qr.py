"""QR codes as SVG, for tickets: drawn by the kit from the code's module matrix.

The matrix comes from `segno` (pure Python, imported only when a ticket is shown);
the drawing is one `<path>` of horizontal runs, with presentation attributes only
(no `style`), so the same SVG works in an email and under the pages' strict CSP.
Every channel shows the code as text beneath it too (a QR code is a convenience,
never the only way in).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

QUIET_ZONE = 4  # modules of white around the symbol, as the standard asks


@dataclass(frozen=True)
class Qr:
    size: int  # modules per side, without the quiet zone
    path: str  # SVG path data of the dark modules, in module units

    @property
    def view_box(self) -> str:
        return f"{-QUIET_ZONE} {-QUIET_ZONE} {self.size + 2 * QUIET_ZONE} {self.size + 2 * QUIET_ZONE}"


def encode(text: str) -> Qr:
    """The QR code of `text` (medium error correction or better)."""
    import segno  # lazy: ~50 ms, only when a ticket is shown

    matrix = segno.make(text, error="m", micro=False).matrix
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return Qr(len(matrix), "".join(runs))


def svg(qr: Qr, label: str, pixels: int = 160) -> str:
    """Standalone SVG markup (for emails): white background, black modules, an accessible name."""
    box = qr.size + 2 * QUIET_ZONE
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{qr.view_box}" width="{pixels}" height="{pixels}" '
            f'role="img" aria-label="{escape(label)}" shape-rendering="crispEdges">'
            f'<rect x="{-QUIET_ZONE}" y="{-QUIET_ZONE}" width="{box}" height="{box}" fill="#fff"/>'
            f'<path d="{qr.path}" fill="#000"/></svg>')
