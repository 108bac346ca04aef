#!/bin/sh
# Assemble public/: the only files ever served (DESIGN §1). Used by `make site`,
# Vercel's buildCommand and Netlify's build command. POSIX sh, no Python needed.
set -eu
cd "$(dirname "$0")/.."
rm -rf public
mkdir -p public/js
cp -R site/. public/
cp -R js/. public/js/
cp success.html canceled.html public/
# Version the scripts the pages load (?v=<content hash>) so they can be cached for a year.
for script in public/js/*.js; do
  name=$(basename "$script")
  hash=$( (sha256sum "$script" 2>/dev/null || shasum -a 256 "$script") | cut -c1-12)
  for page in $(find public -name '*.html'); do
    sed "s#src=\"/js/$name\"#src=\"/js/$name?v=$hash\"#g" "$page" > "$page.tmp" && mv "$page.tmp" "$page"
  done
done
find public -name '.*' -prune -exec rm -rf {} +
echo "public/: $(find public -type f | wc -l | tr -d ' ') files"
