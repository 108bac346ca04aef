"""The shop's identity in the published pages: `{{shop.name}}` and friends, filled in.

The pages are static, so the identity from `[shop]` in catalog.toml goes in when
they are published: `scripts/build-site.sh` fills the copies in `public/`
(`python3 -m checkout_kit.shop_pages public`), and the dev server fills each page
as it serves it. No JavaScript and no flash of a placeholder; the source pages
keep their placeholders, so one edit of catalog.toml renames every page.

In `.html` and `.css` files:

    {{shop.name}} {{shop.support_email}} {{shop.logo}} {{shop.accent}}
    {{shop.accent_dark}} {{shop.currency_display}}

    <!-- if shop.support_email -->…<!-- else -->…<!-- end -->   (else is optional; no nesting)

Values are HTML-escaped. Standard library only: it runs on build hosts without
the kit's dependencies.
"""

from __future__ import annotations

import html
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from checkout_kit.catalog import Shop

FIELDS = ("name", "support_email", "logo", "accent", "accent_dark", "currency_display")
PLACEHOLDER = re.compile(r"\{\{\s*shop\.([A-Za-z_]\w*)\s*\}\}")
CONDITION = re.compile(
    r"<!--\s*if\s+shop\.(\w+)\s*-->(.*?)(?:<!--\s*else\s*-->(.*?))?<!--\s*end\s*-->", re.DOTALL)
STRAY_MARKER = re.compile(r"<!--\s*(if\s+shop\.\w+|else|end)\s*-->")


class FillError(ValueError):
    """A page names an identity field that does not exist, or has an unclosed condition."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


def darker(colour: str, amount: float = 0.25) -> str:
    """`#rrggbb` mixed with black: the hover and link shade of the accent."""
    channels = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c * (1 - amount)):02x}" for c in channels)


def contrast_with_white(colour: str) -> float:
    """WCAG contrast ratio of white text on `#rrggbb` (buttons put white text on the accent)."""
    def linear(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


@dataclass(frozen=True)
class Identity:
    """The values the placeholders take."""

    shop: Shop

    def value(self, field: str) -> str:
        if field == "accent_dark":
            return darker(self.shop.accent)
        return getattr(self.shop, field) or ""


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def problems(text: str) -> list[tuple[int, str]]:
    """(line, message) for each placeholder or condition the filler would refuse."""
    found = []
    for match in PLACEHOLDER.finditer(text):
        if match.group(1) not in FIELDS:
            found.append((_line(text, match.start()), f"{{{{shop.{match.group(1)}}}}} is not a shop field "
                                                      f"(fields: {', '.join(FIELDS)})"))
    for match in CONDITION.finditer(text):
        if match.group(1) not in FIELDS:
            found.append((_line(text, match.start()), f"<!-- if shop.{match.group(1)} --> names no shop field"))
    # Markers left once every whole if/else/end is blanked out (line breaks kept, for the line numbers).
    rest = CONDITION.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    for marker in STRAY_MARKER.finditer(rest):
        found.append((_line(rest, marker.start()), f"{marker.group(0)} has no matching if/end"))
    return sorted(found)


def fill(text: str, identity: Identity) -> str:
    """The page with its placeholders filled; FillError for one the filler does not know."""
    wrong = problems(text)
    if wrong:
        raise FillError(*wrong[0])

    def choose(match: re.Match[str]) -> str:
        return match.group(2) if identity.value(match.group(1)) else (match.group(3) or "")

    text = CONDITION.sub(choose, text)
    return PLACEHOLDER.sub(lambda m: html.escape(identity.value(m.group(1)), quote=True), text)


def fills(name: str) -> bool:
    from checkout_kit.public_site import FILLED_SUFFIXES

    return name.endswith(FILLED_SUFFIXES)


def fill_tree(directory: Path, identity: Identity) -> int:
    """Fill every published page and stylesheet under `directory` in place; the count filled."""
    count = 0
    for file in sorted(directory.rglob("*")):
        if file.is_file() and fills(file.name):
            text = file.read_text(encoding="utf-8")
            try:
                filled = fill(text, identity)
            except FillError as exc:
                raise FillError(exc.line, f"{file}: {exc.message}") from None
            if filled != text:
                file.write_text(filled, encoding="utf-8")
                count += 1
    return count


def main(argv: list[str]) -> int:
    """`python3 -m checkout_kit.shop_pages OUT`: fill the published copies (build-site.sh runs it)."""
    import os

    from checkout_kit.catalog import CatalogError, load

    if len(argv) != 1:
        print("usage: python3 -m checkout_kit.shop_pages PUBLIC_DIR", file=sys.stderr)
        return 2
    try:
        catalog = load(os.environ.get("CATALOG_PATH", "").strip() or "catalog.toml")
        shop = catalog.shop.with_support_email(os.environ.get("SUPPORT_EMAIL"))
        count = fill_tree(Path(argv[0]), Identity(shop))
    except (CatalogError, FillError) as exc:
        print(f"build-site: {exc}", file=sys.stderr)
        return 1
    print(f"shop identity ({shop.name}) filled into {count} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
