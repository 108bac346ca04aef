"""Run the Vercel entry point the way Vercel does: through `vercel_runtime`'s
`vc_init.vc_handler`, with the environment @vercel/python's trampoline sets,
and build a function bundle the way the builder does (project files minus the
predefined and configured excludes, dependencies vendored into `_vendor`)."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = "api/index.py"
VERCEL_RUNTIME = "vercel-runtime==0.23.2"
# @vercel/python 25.0.0's predefined excludes for a function bundle.
PREDEFINED_EXCLUDES = [".git/**", ".gitignore", ".vercel/**", ".pnpm-store/**", "**/node_modules/**", "**/.next/**",
                       "**/.nuxt/**", "**/.venv/**", "**/venv/**", "**/__pycache__/**", "**/.mypy_cache/**",
                       "**/.ruff_cache/**", "**/public/**", "**/pnpm-lock.yaml", "**/yarn.lock", "**/package-lock.json"]

# The trampoline @vercel/python writes as vc__handler__python.py (createRuntimeTrampoline).
TRAMPOLINE = '''
import importlib, os, os.path, site, sys, time
_vc_boot_start_ms = int(time.monotonic() * 1000)
_here = HERE
os.environ.update({
  "__VC_PY_BOOT_START_MS": str(_vc_boot_start_ms),
  "__VC_HANDLER_MODULE_NAME": "api.index",
  "__VC_HANDLER_ENTRYPOINT": "api/index.py",
  "__VC_HANDLER_ENTRYPOINT_ABS": os.path.join(_here, "api/index.py"),
  "__VC_HANDLER_VENDOR_DIR": "_vendor",
  "__VC_HANDLER_VARIABLE_NAME": "app"
})
_vendor = os.path.normpath(os.path.join(_here, "_vendor"))
if os.path.isdir(_vendor):
    site.addsitedir(_vendor)
    while _vendor in sys.path:
        sys.path.remove(_vendor)
    idx = 1 if (sys.path and sys.path[0] in ('', _here)) else 0
    sys.path.insert(idx, _vendor)
    importlib.invalidate_caches()
from vercel_runtime.vc_init import vc_handler
'''

# Reads requests (JSON) on stdin, answers each through vc_handler, prints the results.
RUNNER = '''
import json, sys, time
sys.path.insert(0, sys.argv[2])
sys.path.insert(0, sys.argv[1])
started = time.perf_counter()
import vc__handler__python as trampoline
results = []
for n, request in enumerate(json.loads(sys.argv[3])):
    t = time.perf_counter()
    answer = trampoline.vc_handler({"body": json.dumps(request)}, None)
    answer["elapsed_ms"] = (time.perf_counter() - t) * 1000
    results.append(answer)
    if n == 0:
        print("__FIRST__", flush=True)  # the parent times a cold start up to here
# A test may look at the live process after the invocations (open connections, file handles).
probe = {}
if len(sys.argv) > 4:
    exec(sys.argv[4], probe)
print("__RESULTS__" + json.dumps({"results": results, "modules": sorted(sys.modules),
                                  "sys_path": sys.path, "probe": probe.get("found")}))
'''


def request(method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None,
            binary: bool = True) -> dict[str, Any]:
    """An invocation payload as Vercel's proxy sends it (the raw body base64-encoded)."""
    payload: dict[str, Any] = {"method": method, "path": path, "headers": {"host": "shop.example.com", **(headers or {})}}
    if binary:
        payload.update(body=base64.b64encode(body).decode(), encoding="base64")
    else:
        payload["body"] = body.decode()
    return payload


def decode_body(answer: dict[str, Any]) -> bytes:
    if answer.get("encoding") == "base64":
        return base64.b64decode(answer["body"])
    return answer["body"].encode()


def invoke(bundle: Path, requests: list[dict[str, Any]], env: dict[str, str], isolated: bool = False,
           timeout: float = 120, probe: str | None = None) -> dict[str, Any]:
    """Run `requests` through vc_handler in a fresh interpreter whose code comes from `bundle`.

    `probe`: Python run in that interpreter after the requests; what it assigns to `found` is
    returned as `data["probe"]`.
    """
    # The builder writes the trampoline into the bundle with _here = its folder; here it
    # goes to a scratch folder (never into the repository) with _here pointing at `bundle`.
    scratch = Path(tempfile.mkdtemp(prefix="vc-trampoline-"))
    (scratch / "vc__handler__python.py").write_text(TRAMPOLINE.replace("HERE", repr(str(bundle)), 1))
    args = [sys.executable] + (["-I", "-S"] if isolated else []) + ["-c", RUNNER, str(bundle), str(scratch),
                                                                     json.dumps(requests)] + ([probe] if probe else [])
    environment = {"PATH": os.environ.get("PATH", ""), **env}
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=bundle, env=environment)
    first_response_s = None
    lines = []
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("__FIRST__") and first_response_s is None:
            first_response_s = time.perf_counter() - started
        lines.append(line)
    stderr = proc.stderr.read() if proc.stderr else ""
    proc.wait(timeout=timeout)
    stdout = "".join(lines)
    marker = [line for line in lines if line.startswith("__RESULTS__")]
    if proc.returncode != 0 or not marker:
        raise AssertionError(f"function failed (exit {proc.returncode}):\nstdout:{stdout[-3000:]}\nstderr:{stderr[-5000:]}")
    data = json.loads(marker[-1][len("__RESULTS__"):])
    data["stderr"] = stderr
    data["first_response_s"] = first_response_s
    return data


# ---- bundle -------------------------------------------------------------------------


def minimatch_regex(pattern: str) -> re.Pattern[str]:
    """The subset of minimatch that vercel.json globs use: **, *, ?, {a,b}."""
    def convert(p: str) -> str:
        out, i = "", 0
        while i < len(p):
            c = p[i]
            if p.startswith("**/", i):
                out += "(?:.*/)?"
                i += 3
                continue
            if p.startswith("**", i):
                out += ".*"
                i += 2
                continue
            if c == "*":
                out += "[^/]*"
            elif c == "?":
                out += "[^/]"
            elif c == "{":
                end = p.index("}", i)
                out += "(?:" + "|".join(convert(part) for part in p[i + 1:end].split(",")) + ")"
                i = end + 1
                continue
            else:
                out += re.escape(c)
            i += 1
        return out
    return re.compile("^" + convert(pattern) + "$")


def vercelignore_patterns(root: Path) -> list[re.Pattern[str]]:
    patterns = []
    for line in (root / ".vercelignore").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name = line.strip("/")
            patterns.append(minimatch_regex(f"{name}") if "/" in name else minimatch_regex(f"**/{name}"))
            patterns.append(minimatch_regex(f"**/{name}/**") if "/" not in name else minimatch_regex(f"{name}/**"))
    return patterns


def function_files(root: Path = ROOT) -> list[str]:
    """Files Vercel would put in the function: uploaded (minus .vercelignore), minus excludes."""
    config = json.loads((root / "vercel.json").read_text())
    excludes = [minimatch_regex(p) for p in PREDEFINED_EXCLUDES]
    for pattern in (config.get("excludeFiles"), config["functions"][ENTRYPOINT].get("excludeFiles")):
        if pattern:
            excludes.append(minimatch_regex(pattern))
    ignored = vercelignore_patterns(root)
    tracked = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=root,
                             capture_output=True, text=True, check=True).stdout.split()
    return sorted(f for f in tracked if (root / f).is_file() and not any(p.match(f) for p in ignored + excludes))


def build_bundle(dest: Path, vendor_cache: Path, root: Path = ROOT) -> Path:
    for rel in function_files(root):
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / rel, target)
    if not vendor_cache.exists():
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--target",
                        str(vendor_cache), "-r", str(root / "requirements.txt"), VERCEL_RUNTIME],
                       check=True, capture_output=True, timeout=600)
    shutil.copytree(vendor_cache, dest / "_vendor")
    return dest
