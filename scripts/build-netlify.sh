#!/bin/sh
# Stage what the Netlify function (netlify/functions/api.mjs) needs, for Pyodide:
#   netlify/python/      the kit's Python core (without the emulator), catalog.toml, downloads/ and the
#                        pure-Python packages the core imports, at requirements.txt's pins
#                        (Jinja2, MarkupSafe's pure fallback, python-dotenv, segno; no psycopg or
#                        Werkzeug: the store goes through the bridge's node-postgres client)
#   netlify/node_modules pyodide and pg at package-lock.json's exact versions (npm ci)
#   bytecode made by Pyodide's own Python (netlify/lib/precompile.mjs): checked-hash .pyc
#   files in netlify/python/ and netlify/python-stdlib.zip (the stdlib with .pyc files),
#   which cut a cold start by about 1.5 s here
#   a Pyodide memory snapshot (netlify/lib/snapshot.mjs, see below; KIT_PYODIDE_SNAPSHOT=0: none)
# netlify.toml's build command runs this after scripts/build-site.sh; so do the tests.
# Usage: scripts/build-netlify.sh   (PYTHON=python3.12 to pick the interpreter that runs pip)
set -eu
cd "$(dirname "$0")/.."

# One build at a time: a second run (another test session, a second terminal) would delete the
# files the first is staging. mkdir is atomic; a lock older than 10 minutes is a crashed build's.
lock=netlify/.build-lock
waited=0
until mkdir "$lock" 2>/dev/null; do
  if [ "$waited" -ge 600 ]; then echo "build-netlify: breaking a stale lock" >&2; rm -rf "$lock"; continue; fi
  sleep 1; waited=$((waited + 1))
done
trap 'rmdir "$lock" 2>/dev/null || true' EXIT INT TERM
PYTHON="${PYTHON:-python3}"
out=netlify/python

# Pure-Python packages, at the versions requirements.txt pins; reused while the pins are unchanged.
pins=$(grep -iE '^(jinja2|markupsafe|python-dotenv|segno)==' requirements.txt | sed 's/ *#.*//')
vendor=netlify/.vendor
if [ ! -f "$vendor/PINS" ] || [ "$(cat "$vendor/PINS")" != "$pins" ]; then
  rm -rf "$vendor"
  # shellcheck disable=SC2086
  "$PYTHON" -m pip install --quiet --disable-pip-version-check --no-deps --no-compile --target "$vendor" $pins
  # Compiled extensions cannot load in WebAssembly: MarkupSafe falls back to its pure module.
  find "$vendor" -name '*.so' -delete
  echo "$pins" > "$vendor/PINS"
fi

rm -rf "$out"
mkdir -p "$out"
cp -R checkout_kit "$out/checkout_kit"
rm -rf "$out/checkout_kit/emulator"
cp catalog.toml "$out/"
# Files sold as downloads (download_file): private, read by the function from beside the catalog.
if [ -d downloads ]; then cp -R downloads "$out/downloads"; fi
for pkg in jinja2 markupsafe dotenv segno; do cp -R "$vendor/$pkg" "$out/$pkg"; done
find "$out" -name '__pycache__' -type d -prune -exec rm -rf {} +
find "$out" -name '*.pyc' -delete
echo "python files in $out: $(find "$out" -type f | wc -l)"

# Node side: exact versions from package-lock.json; skipped while node_modules matches it.
if [ ! -f netlify/node_modules/.kit-lock ] || ! cmp -s netlify/package-lock.json netlify/node_modules/.kit-lock; then
  (cd netlify && npm ci --no-audit --no-fund --loglevel=error)
  cp netlify/package-lock.json netlify/node_modules/.kit-lock
fi
echo "netlify/node_modules: pyodide $(node -p 'require("./netlify/node_modules/pyodide/package.json").version'), pg $(node -p 'require("./netlify/node_modules/pg/package.json").version')"

node netlify/lib/precompile.mjs netlify

# By default (KIT_PYODIDE_SNAPSHOT=0 in the build environment turns it off): a memory snapshot of
# Pyodide with the kit's modules imported, made with no environment and no configuration, into
# netlify/python/_pyodide_snapshot/ (netlify/lib/snapshot.mjs); it halves a cold start. api.mjs uses
# it only when its Pyodide version and the staged files match; netlify/python/ was emptied above,
# so no old one stays. The build fails if a secret's value is found in it.
if [ "${KIT_PYODIDE_SNAPSHOT:-1}" != "0" ]; then
  node netlify/lib/snapshot.mjs netlify
fi
