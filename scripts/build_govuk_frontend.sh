#!/usr/bin/env bash
# Rebuild static/govuk/ (vendored GOV.UK Frontend) from the npm package.
#
# This service is not a GOV.UK service, so the CSS is compiled from the
# package's Sass with scripts/govuk-frontend.scss: Arial instead of GDS
# Transport, no @font-face / font files, no crown or crest images.
#
# Needs node + npm and the npm registry. Safe to re-run: it replaces
# static/govuk/ with exactly what it builds, and removes its temp dir.
set -euo pipefail

GOVUK_FRONTEND_VERSION="6.6.0"
SASS_VERSION="1.108.2" # pinned too: a different Sass can emit different CSS

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
entry="$repo_root/scripts/govuk-frontend.scss"
dest="$repo_root/static/govuk"

work="$(mktemp -d "${TMPDIR:-/tmp}/govuk-build.XXXXXX")"
trap 'rm -rf "$work"' EXIT

die() { echo "build_govuk_frontend: $*" >&2; exit 1; }

cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts --omit=optional --loglevel=error \
  "govuk-frontend@$GOVUK_FRONTEND_VERSION" "sass@$SASS_VERSION" >/dev/null

pkg="$work/node_modules/govuk-frontend"
installed="$(node -p "require('$pkg/package.json').version")"
[ "$installed" = "$GOVUK_FRONTEND_VERSION" ] || die "got govuk-frontend $installed, wanted $GOVUK_FRONTEND_VERSION"
licence="$(node -p "require('$pkg/package.json').license")"
[ "$licence" = "MIT" ] || die "govuk-frontend licence is now '$licence', not MIT: review LICENCE.txt below"

out="$work/out"
mkdir -p "$out"

# 1. CSS, compiled from the package's Sass.
npx --no-install sass --style=compressed --no-source-map --load-path=node_modules \
  "$entry" "$out/govuk-frontend.min.css"
css="$out/govuk-frontend.min.css"
if grep -q '@font-face' "$css"; then die "CSS contains @font-face"; fi
if grep -qi 'GDS Transport' "$css"; then die "CSS mentions GDS Transport"; fi
if grep -qi 'woff' "$css"; then die "CSS references .woff fonts"; fi

# 2. JS, the package's prebuilt ES module, unchanged.
cp "$pkg/dist/govuk/govuk-frontend.min.js" "$out/govuk-frontend.min.js"

# 3. Images: only the ones the CSS references with url(), never crown/crest ones.
{ grep -o 'url([^)]*)' "$css" || true; } | sed -E 's/^url\(["'\'']?//; s/["'\'']?\)$//' | sort -u |
  while IFS= read -r ref; do
    case "$ref" in
      /static/govuk/assets/images/*) name="${ref#/static/govuk/assets/images/}" ;;
      *) die "CSS references unexpected url($ref)" ;;
    esac
    case "$name" in
      *crest* | *crown* | favicon* | govuk-icon* | govuk-opengraph*) die "CSS references excluded image $name" ;;
    esac
    [ -f "$pkg/dist/govuk/assets/images/$name" ] || die "CSS references $name, not in the package"
    mkdir -p "$out/assets/images"
    cp "$pkg/dist/govuk/assets/images/$name" "$out/assets/images/$name"
  done

# 4. Licence and version. The npm package ships no licence file (package.json
# says "license": "MIT"), so this is LICENSE.txt from the alphagov/govuk-frontend
# repository, verbatim.
cat >"$out/LICENCE.txt" <<'LICENCE'
The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
LICENCE
printf '%s\n' "$installed" >"$out/VERSION"

# Replace static/govuk/ with exactly what was built.
rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
cp -R "$out" "$dest"
echo "build_govuk_frontend: wrote govuk-frontend $installed to ${dest#"$repo_root"/}"
