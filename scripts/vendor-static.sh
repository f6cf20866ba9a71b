#!/usr/bin/env bash
# Copy the front-end packages installed by npm into the static tree (never committed).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules/@scottish-government/design-system ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
dest=pathways/static/vendor
rm -rf "$dest"
mkdir -p "$dest/htmx"
# The whole dist tree: the stylesheet refers to ../images/ relative to css/.
cp -r node_modules/@scottish-government/design-system/dist "$dest/design-system"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/htmx/"
