"""The published set (DESIGN §1): what `make site` copies to `public/` and the
only files the dev server serves. Python source, the catalog, tests and `.env`
never are.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# (source, URL prefix): a directory's files are served below the prefix.
PUBLISHED = (("site", ""), ("js", "js"), ("success.html", "success.html"), ("canceled.html", "canceled.html"))


def public_files(root: Path = ROOT) -> dict[str, Path]:
    """URL path (without the leading /) -> source file."""
    files: dict[str, Path] = {}
    for source, prefix in PUBLISHED:
        path = root / source
        if path.is_file():
            files[prefix] = path
        elif path.is_dir():
            for file in sorted(path.rglob("*")):
                if file.is_file() and not file.name.startswith("."):
                    rel = file.relative_to(path).as_posix()
                    files[f"{prefix}/{rel}" if prefix else rel] = file
    return files


def resolve(url_path: str, root: Path = ROOT) -> Path | None:
    """The file for a request path, with `/` and `/dir/` meaning index.html."""
    path = url_path.lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    return public_files(root).get(path)
