"""External tools some suites need (node, npm). Missing on a developer's machine: the suite is
skipped with the reason. Missing in CI (`.ci/run` sets KIT_CI=1): the suite fails, so a machine
without them can never pass by silently running less."""

from __future__ import annotations

import os
import shutil

import pytest


def require(*tools: str, why: str) -> None:
    missing = [tool for tool in tools if not shutil.which(tool)]
    if not missing:
        return
    message = f"{' and '.join(missing)} not on PATH: {why}"
    if os.environ.get("KIT_CI"):
        pytest.fail(f"{message} (CI must have it: .ci/run installs it)", pytrace=False)
    pytest.skip(message)
