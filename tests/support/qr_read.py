"""Reading QR codes back, as a door scanner would: the kit's SVG is rasterised here (its
`<path>` of horizontal runs, in module units) and decoded by zxing-cpp."""

from __future__ import annotations

import re

import zxingcpp

SCALE = 8
QUIET = 4


def raster(size: int, path: str) -> tuple[bytes, int]:
    """A grayscale image (bytes, width) of a QR symbol drawn from the kit's path data."""
    side = (size + 2 * QUIET) * SCALE
    pixels = bytearray(b"\xff" * side * side)
    for x, y, w in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", path):
        x0, y0, width = (int(x) + QUIET) * SCALE, (int(y) + QUIET) * SCALE, int(w) * SCALE
        for row in range(y0, y0 + SCALE):
            pixels[row * side + x0: row * side + x0 + width] = b"\x00" * width
    return bytes(pixels), side


def read_qr_path(size: int, path: str) -> str | None:
    data, side = raster(size, path)
    found = zxingcpp.read_barcodes(memoryview(data).cast("B", (side, side)), formats=zxingcpp.BarcodeFormat.QRCode)
    return found[0].text if found else None


def read_qr_svg(svg: str) -> str | None:
    box = re.search(r'viewBox="-4 -4 (\d+) \d+"', svg)
    path = re.search(r'<path d="([^"]+)"', svg)
    if not box or not path:
        return None
    return read_qr_path(int(box.group(1)) - 2 * QUIET, path.group(1))
