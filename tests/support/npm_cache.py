"""npm packages the tests and benchmarks need but the project does not ship (the Netlify CLI, the
stripe-node peer of the cold-start bench), installed from the registry once, at a pinned version,
into ~/.cache/checkout-kit/<name>-<version>/ (CHECKOUT_KIT_CACHE moves it), and reused after."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

CACHE_ROOT = Path(os.environ.get("CHECKOUT_KIT_CACHE", Path.home() / ".cache" / "checkout-kit"))


def installed(package: str, version: str, folder: str | None = None, timeout: float = 900) -> Path:
    """The directory whose node_modules holds `package@version` (installed now if it is not yet)."""
    where = CACHE_ROOT / (folder or f"{package}-{version}")
    done = where / ".installed"
    if not (done.exists() and (where / "node_modules" / package / "package.json").exists()):
        where.mkdir(parents=True, exist_ok=True)
        (where / "package.json").write_text(json.dumps({"private": True, "dependencies": {package: version}}))
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=where, check=True,
                       capture_output=True, timeout=timeout)
        done.write_text(version)
    return where
