#!/bin/sh
# Assemble public/, the only files ever published (DESIGN §1): a copy of site/, js/, admin/,
# success.html and canceled.html, nothing else. `make site` runs this; so do Vercel
# and Netlify as their build command. Usage: scripts/build-site.sh [output-dir]
#
# Before copying it runs the shop check (python3 -m checkout_kit check: every buy button
# names a catalog price…) and stops the build on a problem, so a broken button is never
# deployed. After copying it fills the shop's identity ([shop] in catalog.toml: name, logo,
# accent colour…) into the published pages and stylesheets ({{shop.name}}…).
# Both need a Python 3.11 or newer, standard library only: Vercel's and Netlify's build
# images have one. Without one the check is skipped (with a line saying so) and the build
# stops, since pages with unfilled placeholders must not be published.
set -eu
cd "$(dirname "$0")/.."
out="${1:-public}"
case "$out" in ""|/|.|..|./|../) echo "build-site: refusing to replace '$out'" >&2; exit 2 ;; esac

py=""
for candidate in "${PYTHON:-}" .venv/bin/python python3 python; do
  [ -n "$candidate" ] || continue
  if command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
    py="$candidate"; break
  fi
done
if [ -n "$py" ]; then
  "$py" -m checkout_kit.shop_check || { echo "build-site: not publishing: the shop check found problems (above)" >&2; exit 1; }
else
  echo "build-site: skipping the shop check: no Python 3.11 or newer here (set PYTHON=/path/to/python3)" >&2
fi

rm -rf "$out"
mkdir -p "$out/js"
cp -R site/. "$out/"
cp -R js/. "$out/js/"
# The owner's desk (/admin/): the kit's page, beside (not inside) the owner's site/.
if [ -d admin ]; then mkdir -p "$out/admin" && cp -R admin/. "$out/admin/"; fi
cp success.html canceled.html "$out/"
# Dotfiles (editor droppings, .DS_Store) are never published.
find "$out" -mindepth 1 -name '.*' -exec rm -rf {} +
if [ -z "$py" ]; then
  echo "build-site: cannot fill the shop's name, logo and colours from catalog.toml into the pages: this needs" >&2
  echo "  Python 3.11 or newer (python3; Vercel's and Netlify's build images have it; or set PYTHON=...)" >&2
  exit 1
fi
"$py" -m checkout_kit.shop_pages "$out"
echo "public files in $out: $(find "$out" -type f | wc -l)"
