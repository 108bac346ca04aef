"""The published set (DESIGN §1): what `make site` copies to `public/` and the
only files the dev server serves. Python source, the catalog, tests and `.env`
never are.

`site` is the storefront folder (the owner's `site/`); the kit's own tests
serve a fixture storefront with the kit's `js/` and landing pages instead.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# (source, URL prefix): a directory's files are served below the prefix. "site" is the storefront.
PUBLISHED = (("site", ""), ("js", "js"), ("admin", "admin"), ("success.html", "success.html"),
             ("canceled.html", "canceled.html"))
# Published text files in which the shop's identity placeholders are filled (checkout_kit.shop_pages).
FILLED_SUFFIXES = (".html", ".css")


def public_files(root: Path = ROOT, site: Path | None = None) -> dict[str, Path]:
    """URL path (without the leading /) -> source file."""
    files: dict[str, Path] = {}
    for source, prefix in PUBLISHED:
        path = site if source == "site" and site is not None else root / source
        if path.is_file():
            files[prefix] = path
        elif path.is_dir():
            for file in sorted(path.rglob("*")):
                rel = file.relative_to(path).as_posix()
                # Dotfiles and dot-folders (.DS_Store, .git) are never published: build-site.sh removes them too.
                if file.is_file() and not any(part.startswith(".") for part in rel.split("/")):
                    files[f"{prefix}/{rel}" if prefix else rel] = file
    return files


def pages(root: Path = ROOT, site: Path | None = None) -> dict[str, Path]:
    """The published HTML pages (URL path -> source)."""
    return {name: path for name, path in public_files(root, site).items() if name.endswith(".html")}


def resolve(url_path: str, root: Path = ROOT, site: Path | None = None) -> Path | None:
    """The file for a request path, with `/` and `/dir/` meaning index.html."""
    path = url_path.lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    return public_files(root, site).get(path)
