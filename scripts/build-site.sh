#!/bin/sh
# Assemble public/, the only files ever published (DESIGN §1): a copy of site/, js/,
# success.html and canceled.html, nothing else. `make site` runs this; so do Vercel
# and Netlify as their build command. Usage: scripts/build-site.sh [output-dir]
set -eu
cd "$(dirname "$0")/.."
out="${1:-public}"
case "$out" in ""|/|.|..|./|../) echo "build-site: refusing to replace '$out'" >&2; exit 2 ;; esac
rm -rf "$out"
mkdir -p "$out/js"
cp -R site/. "$out/"
cp -R js/. "$out/js/"
cp success.html canceled.html "$out/"
# Dotfiles (editor droppings, .DS_Store) are never published.
find "$out" -mindepth 1 -name '.*' -exec rm -rf {} +
echo "public files in $out: $(find "$out" -type f | wc -l)"
