"""`python -m checkout_kit …` — see checkout_kit.cli.

Run with a Python that lacks the kit's packages (the system `python3` instead of the project's
`.venv`), a command would die on an import; this says how to run it instead.
"""

import sys

# The packages of requirements.txt, by the name they are imported under.
DEPENDENCIES = {"dotenv", "jinja2", "markupsafe", "werkzeug", "psycopg", "psycopg_binary"}


def how_to_run(missing: str) -> str:
    command = " ".join(sys.argv[1:]) or "--help"
    if missing == "tomllib":
        return (f"Checkout Kit needs Python 3.11 or newer; this is {sys.version.split()[0]} ({sys.executable}).\n"
                f"Run it through make (`make doctor`, `make check`, `make dev`), which picks a newer Python.")
    return (f"This Python ({sys.executable}) does not have Checkout Kit's packages (no module named {missing!r}).\n"
            f"Run the command through make: `make doctor`, `make check`, `make dev`; or with the project's own\n"
            f"Python: .venv/bin/python -m checkout_kit {command}\n"
            f"(`make dev` creates .venv and installs requirements.txt the first time.)")


try:
    from checkout_kit.cli import main

    code = main()
except ModuleNotFoundError as exc:
    if (exc.name or "").split(".")[0] not in DEPENDENCIES | {"tomllib"}:
        raise
    print(how_to_run((exc.name or "").split(".")[0]), file=sys.stderr)
    code = 2
raise SystemExit(code)
