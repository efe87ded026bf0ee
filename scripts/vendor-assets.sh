#!/usr/bin/env bash
# Refresh the vendored front-end assets in dudao/static/vendor/ from the exact
# versions pinned in package.json / package-lock.json.
#
# Needs node + npm and registry access *at build time only*; the resulting
# files are committed so the app runs with no internet access (intranets).
# npm runs in a throw-away temp dir, so no node_modules/ lands in the repo.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR_DIR="$REPO_ROOT/dudao/static/vendor"

for f in package.json package-lock.json; do
  [[ -f "$REPO_ROOT/$f" ]] || { echo "error: $REPO_ROOT/$f missing" >&2; exit 1; }
done
command -v npm >/dev/null || { echo "error: npm not found" >&2; exit 1; }

BUILD_DIR="$(mktemp -d "${TMPDIR:-/tmp}/dudao-vendor.XXXXXX")"
trap 'rm -rf "$BUILD_DIR"' EXIT

cp "$REPO_ROOT/package.json" "$REPO_ROOT/package-lock.json" "$BUILD_DIR/"
(cd "$BUILD_DIR" && npm ci --ignore-scripts --no-audit --no-fund)
NM="$BUILD_DIR/node_modules"

# Start from a clean slate for the directories this script owns
# (README.md in $VENDOR_DIR is kept).
rm -rf "$VENDOR_DIR/tabler" "$VENDOR_DIR/htmx" "$VENDOR_DIR/echarts" "$VENDOR_DIR/tabler-icons"
mkdir -p "$VENDOR_DIR/tabler" "$VENDOR_DIR/htmx" "$VENDOR_DIR/echarts" "$VENDOR_DIR/tabler-icons/fonts"

cp "$NM/@tabler/core/dist/css/tabler.min.css"                "$VENDOR_DIR/tabler/tabler.min.css"
cp "$NM/@tabler/core/dist/js/tabler.min.js"                  "$VENDOR_DIR/tabler/tabler.min.js"
cp "$NM/htmx.org/dist/htmx.min.js"                           "$VENDOR_DIR/htmx/htmx.min.js"
cp "$NM/echarts/dist/echarts.min.js"                         "$VENDOR_DIR/echarts/echarts.min.js"
cp "$NM/@tabler/icons-webfont/dist/tabler-icons.min.css"     "$VENDOR_DIR/tabler-icons/tabler-icons.min.css"
cp "$NM/@tabler/icons-webfont/dist/fonts/tabler-icons.woff2" "$VENDOR_DIR/tabler-icons/fonts/tabler-icons.woff2"

# Post-process (node is available since npm is):
#  * tabler-icons.min.css: make every @font-face src reference ONLY
#    fonts/tabler-icons.woff2 (the .woff/.ttf files are not vendored and
#    would 404).
#  * all vendored CSS/JS: drop "sourceMappingURL" comments - the .map files
#    are not vendored; they would 404 in browser devtools and make Django's
#    ManifestStaticFilesStorage fail in collectstatic ("could not be found").
#  * all vendored CSS: remove any @import of an external (http/https or
#    protocol-relative) URL, so nothing is fetched from the internet.
VENDOR_DIR="$VENDOR_DIR" node - <<'JS'
const fs = require("fs");
const path = require("path");
const dir = process.env.VENDOR_DIR;
const files = [
  "tabler/tabler.min.css",
  "tabler/tabler.min.js",
  "htmx/htmx.min.js",
  "echarts/echarts.min.js",
  "tabler-icons/tabler-icons.min.css",
];
for (const rel of files) {
  const file = path.join(dir, rel);
  let text = fs.readFileSync(file, "utf8");
  const before = text;
  text = text.replace(/\n?\/\/# sourceMappingURL=\S+[ \t]*\n?$/, "\n");
  text = text.replace(/\n?\/\*# sourceMappingURL=[^*]*\*\/[ \t]*\n?$/, "\n");
  if (rel.endsWith(".css")) {
    text = text.replace(
      /@import\s+(?:url\(\s*)?["']?\s*(?:https?:)?\/\/[^;]*;/gi,
      (m) => { console.log(`${rel}: removed external ${m}`); return ""; }
    );
  }
  if (rel === "tabler-icons/tabler-icons.min.css") {
    let n = 0;
    text = text.replace(/(@font-face\s*\{[^}]*?)\bsrc\s*:[^;}]*/g, (m, head) => {
      n++;
      return `${head}src:url("fonts/tabler-icons.woff2") format("woff2")`;
    });
    if (n === 0) throw new Error(`${rel}: no @font-face src found to rewrite`);
  }
  if (text !== before) {
    fs.writeFileSync(file, text);
    console.log(`post-processed ${rel}`);
  }
}
JS

# Sanity check: no CSS may fetch anything from the network at run time,
# and the icons CSS must only reference the one vendored font.
fail=0
for css in "$VENDOR_DIR/tabler/tabler.min.css" "$VENDOR_DIR/tabler-icons/tabler-icons.min.css"; do
  if grep -Eio "url\(\s*['\"]?\s*(https?:)?//[^)]*\)|@import[^;]*;" "$css"; then
    echo "error: external reference left in $css" >&2
    fail=1
  fi
done
icon_urls="$(grep -Eo 'url\([^)]*\)' "$VENDOR_DIR/tabler-icons/tabler-icons.min.css" | sort -u)"
if [[ "$icon_urls" != 'url("fonts/tabler-icons.woff2")' ]]; then
  echo "error: unexpected url() in tabler-icons.min.css: $icon_urls" >&2
  fail=1
fi
[[ $fail -eq 0 ]] || exit 1

echo "Vendored assets written to $VENDOR_DIR:"
(cd "$VENDOR_DIR" && find . -type f ! -name README.md | sort | xargs ls -l)
