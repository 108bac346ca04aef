"""The owner's README and .env.example stay true: every command the README shows exists (a renamed
command fails here, not in the reader's terminal) and those safe offline are run; `make dev` starts
and stops; .env.example names every setting the code reads; links point at files in the repository."""

from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from checkout_kit.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
KIT = re.compile(r"^(?:\.venv/bin/)?python3? -m checkout_kit(?:\s+(.*))?$")
MAKE = re.compile(r"^make ([a-z][\w-]*)((?:\s+[A-Z_]+=\S+)*)$")
EXTERNAL = ("stripe listen ",)  # other tools' commands: shown, not ours to run
RUN_KIT = {"check", "doctor", "--help"}  # safe offline: run for real; the others get --help
RUN_MAKE = {"check", "doctor"}  # `dev` is started and stopped below; the others are dry-run (make -n)
SAMPLES = {"URL": "https://shop.example.com/api/webhook"}


def readme_commands() -> list[str]:
    """Each line of the README's ```sh blocks, and each inline `make …` / `python -m checkout_kit …`."""
    found = []
    for block in re.findall(r"^ *```sh\n(.*?)^ *```", README, re.S | re.M):
        for line in block.splitlines():
            line = line.split(" #")[0].strip()
            if line:
                found.append(line)
    inline = r"`((?:\.venv/bin/)?python3? -m checkout_kit[^`]*|make [a-z][^`]*|stripe [^`]*)`"
    found += [m.split(" / ")[0] for m in re.findall(inline, README)]
    return list(dict.fromkeys(found))


def kit_args(line: str) -> list[str]:
    """`catalog push [--write]` -> ["catalog", "push", "--write"]; placeholders get sample values."""
    match = KIT.match(line)
    assert match, line
    return [SAMPLES.get(word, word) for word in shlex.split((match.group(1) or "").replace("[", "").replace("]", ""))]


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Offline, whatever the machine's .env says (real variables win over it): no Stripe key, files in tmp."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "SMTP_", "MAIL_", "DATABASE_"))}
    return {**keep, "STRIPE_SECRET_KEY": "", "DATABASE_URL": f"sqlite:///{tmp_path}/orders.db",
            "OUTBOX_DIR": str(tmp_path / "outbox"), **extra}


def test_the_readme_shows_the_two_commands_first_and_stays_short() -> None:
    first = re.search(r"^```sh\n(.*?)^```", README, re.S | re.M).group(1)  # type: ignore[union-attr]
    assert [line.split("#")[0].strip() for line in first.splitlines()] == ["make dev", "make test"]
    assert len(README.splitlines()) <= 200


@pytest.mark.parametrize("line", readme_commands())
def test_every_readme_command_exists_and_the_safe_ones_run(line: str, tmp_path: Path) -> None:
    if line.startswith(EXTERNAL):
        return
    env = environment(tmp_path)
    if KIT.match(line):
        args = kit_args(line)
        try:
            build_parser().parse_args(args)  # a renamed command or option fails here
        except SystemExit as exit_:
            assert exit_.code == 0 and args[-1] == "--help", f"{line!r} is not a command the kit knows"
        command = args if (args[:1] and args[0] in RUN_KIT) or args == ["--help"] else [*args, "--help"]
        result = subprocess.run([sys.executable, "-m", "checkout_kit", *command], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=120)
    else:
        match = MAKE.match(line)
        assert match, f"the README shows {line!r}: teach this test how to run it, or drop it from the README"
        target, assignments = match.group(1), match.group(2).split()
        if target == "dev":
            return  # started and stopped in test_make_dev_starts_serves_and_stops
        dry = [] if target in RUN_MAKE else ["-n"]
        result = subprocess.run(["make", "-s", *dry, target, *assignments], cwd=ROOT, env=env, capture_output=True,
                                text=True, timeout=300)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode in (0, 1), output  # 1: a check found something to fix, said in plain words
    assert output.strip(), f"{line!r} printed nothing"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_make_dev_starts_serves_and_stops(tmp_path: Path) -> None:
    port, emulator_port = free_port(), free_port()
    env = environment(tmp_path, EMULATOR_PORT=str(emulator_port))
    # Started with SIGINT ignored, as a script's background job (`make dev &`) is: Ctrl-C must still stop it.
    proc = subprocess.Popen(["make", "-s", "dev", f"PORT={port}"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        lines = []
        deadline = time.time() + 60
        while time.time() < deadline:
            line = proc.stdout.readline()  # type: ignore[union-attr]
            if not line:
                break
            lines.append(line)
            if "Ctrl-C stops it." in line:
                break
        assert any(f"http://127.0.0.1:{port}/" in line for line in lines), "".join(lines)
        assert any(f"127.0.0.1:{emulator_port}" in line for line in lines), "".join(lines)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as page:
            assert page.status == 200 and b"<html" in page.read()
    finally:
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C, as the banner says
        try:
            proc.wait(timeout=60)  # generous: a loaded CI machine joins threads slowly
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            rest = proc.communicate(timeout=10)[0]
            raise AssertionError(f"make dev did not stop on Ctrl-C; its output after the banner:\n{rest[-3000:]}")


# ---- .env.example --------------------------------------------------------------------------------

# Set by the platform, never by the owner; or a tool's own switch rather than a setting.
NOT_SETTINGS = {"VERCEL": "Vercel sets it", "NETLIFY": "Netlify sets it", "URL": "Netlify sets it",
                "LAMBDA_TASK_ROOT": "AWS Lambda sets it", "PYTHON": "which interpreter the build scripts use"}
DESIGN_SETTINGS = {"STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_PUBLISHABLE_KEY", "STRIPE_API_BASE", "SITE_URL",
                   "ALLOWED_ORIGINS", "DATABASE_URL", "EMAIL_FROM", "SUPPORT_EMAIL", "MERCHANT_EMAIL", "SMTP_URL",
                   "MAIL_API", "MAIL_API_KEY", "CRON_SECRET", "ADMIN_TOKEN"}
READS = [
    re.compile(r"\benv\.get\(\s*\"([A-Z][A-Z0-9_]+)\""),  # config.from_env's mapping
    re.compile(r"\bos\.environ(?:\.get\(|\[)\s*\"([A-Z][A-Z0-9_]+)\""),
    re.compile(r"\b_(?:url|email|secret|env_int|whole|seconds|one_of)\(\s*(?:env,\s*)?\"([A-Z][A-Z0-9_]+)\""),
    re.compile(r"\bneed\(\s*[\"']([A-Z][A-Z0-9_]+)[\"']"),  # deploy_env's required variables
    re.compile(r"\bprocess\.env\.([A-Z][A-Z0-9_]+)"),  # the Netlify functions
]
SHELL_READS = re.compile(r"\$\{([A-Z][A-Z0-9_]+)")  # the build scripts
NAME_TUPLES = re.compile(r"\bnames = \(([^)]*)\)")  # settings read together (config._bucket)


def settings_the_code_reads() -> set[str]:
    files = [*ROOT.joinpath("checkout_kit").rglob("*.py"), *ROOT.joinpath("netlify", "functions").glob("*.mjs"),
             *ROOT.joinpath("netlify", "lib").glob("*.mjs"), *ROOT.joinpath("scripts").glob("*.sh")]
    names: set[str] = set()
    for file in files:
        if "emulator" in file.parts:
            continue  # the emulator's own options are command-line flags
        text = file.read_text()
        for pattern in [*READS, *([SHELL_READS] if file.suffix == ".sh" else [])]:
            names.update(pattern.findall(text))
        for group in NAME_TUPLES.findall(text):
            names.update(re.findall(r"\"([A-Z][A-Z0-9_]+)\"", group))
    return names - set(NOT_SETTINGS)


def example() -> dict[str, str]:
    text = (ROOT / ".env.example").read_text()
    return dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", text, re.M))


def test_env_example_lists_every_setting_the_code_reads_and_no_other() -> None:
    listed = set(example())
    read = settings_the_code_reads()
    assert read - listed == set(), "read by the code but missing from .env.example"
    assert listed - read == set(), "in .env.example but read nowhere"
    assert DESIGN_SETTINGS <= listed
    assert {"DATABASE_URL", "STRIPE_SECRET_KEY", "SITE_URL", "CRON_SECRET"} <= read  # the scan does find them


def test_env_example_holds_no_values_and_explains_each_setting() -> None:
    assert all(value == "" for value in example().values())
    lines = (ROOT / ".env.example").read_text().splitlines()
    for n, line in enumerate(lines):
        if re.match(r"^[A-Z][A-Z0-9_]*=", line):
            above = lines[max(0, n - 2):n]
            assert any(l.startswith("# ") for l in above) or re.match(r"^[A-Z_]+=$", lines[n - 1]), line


def test_the_readme_configuration_table_names_every_setting() -> None:
    table = README[README.index("## Configuration"):README.index("## Commands")]
    missing = [name for name in example() if f"`{name}`" not in table]
    assert missing == []


def test_readme_and_docs_link_only_to_files_in_the_repository() -> None:
    for doc in [ROOT / "README.md", *ROOT.joinpath("docs").glob("*.md")]:
        text = doc.read_text()
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if not target.startswith(("http://", "https://", "mailto:")):
                assert (doc.parent / target).exists(), f"{doc.name} links to {target}, which is not in the repository"
        assert not re.search(r"\bDESIGN\b|DESIGN\.md|shared/|\bthe issue\b", text), f"{doc.name} cites a document "\
                                                                                    "outside the repository"
