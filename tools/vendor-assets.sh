#!/usr/bin/env bash
# Vendor the NL Design System CSS and the Noto Sans font into static/vendor,
# so the app serves them from its own origin (no CDN, ever).
#
# Usage: tools/vendor-assets.sh     (or: make vendor)
#
# Needs node and npm. The packages are fetched with `npm pack` at exact pinned
# versions, checked against pinned sha512 integrity hashes, unpacked in a
# temporary directory (no install scripts are run), and only the files the app
# needs are copied. To upgrade: change a version below, set its integrity to
# the value of `npm view NAME@VERSION dist.integrity`, rerun, and review the diff.
set -euo pipefail

UTRECHT_PKG="@utrecht/component-library-css"
UTRECHT_VERSION="9.0.4"
UTRECHT_INTEGRITY="sha512-gVA7D6GfP9/+fzehkYLSBR+0UPUTA97PZmgvTYQE88lPQhHGMlUk8FjmCpLKRsRC9hAYd32JuF/KzG6fmBfjJA=="

THEME_PKG="@nl-design-system-unstable/voorbeeld-design-tokens"
THEME_VERSION="7.4.1"
THEME_INTEGRITY="sha512-GNnapAn2mTIzXRcCvs0JMr4Bf9+ivUJ3zFBJLRT1SYpAYm2xPwptVxIM3k4WLJ0c59E9FfxsEBPJluGuAHUVvg=="

FONT_PKG="@fontsource/noto-sans"
FONT_VERSION="5.3.0"
FONT_INTEGRITY="sha512-fBCog2PY7DiVVTEEqtI/Qdinx/knobHYfoGpjFXdfBX5RoJaBp1Prw2G75p0OIsdlMZg3cLo0c+YbIUYOxnQJw=="
FONT_WEIGHTS=(400 700)

SCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"
DEST="$SCRIPT_DIR/../static/vendor"

for tool in node npm tar; do
  command -v "$tool" >/dev/null || { echo "vendor-assets: '$tool' is required" >&2; exit 1; }
done

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# fetch NAME VERSION INTEGRITY -> prints the directory of the unpacked package
fetch() {
  local name="$1" version="$2" integrity="$3" tgz actual dir
  if ! tgz="$(cd "$WORK" && npm pack --loglevel=error --ignore-scripts "$name@$version" 2>"$WORK/npm.log" | tail -n 1)" \
     || [ -z "$tgz" ] || [ ! -f "$WORK/$tgz" ]; then
    echo "vendor-assets: npm pack $name@$version failed:" >&2
    cat "$WORK/npm.log" >&2
    exit 1
  fi
  actual="sha512-$(node -e 'process.stdout.write(require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$WORK/$tgz")"
  if [ "$actual" != "$integrity" ]; then
    echo "vendor-assets: integrity mismatch for $name@$version" >&2
    echo "  expected $integrity" >&2
    echo "  got      $actual" >&2
    exit 1
  fi
  dir="$WORK/unpacked/${tgz%.tgz}"
  mkdir -p "$dir"
  tar -xzf "$WORK/$tgz" -C "$dir"
  printf '%s\n' "$dir/package"
}

# licence_of PKGDIR DESTFILE: copy the package's licence file, or, if it ships
# none, write its SPDX identifier and repository URL from package.json.
licence_of() {
  local pkg="$1" out="$2" f
  for f in LICENSE LICENSE.md LICENSE.txt LICENCE LICENCE.md license license.md; do
    if [ -f "$pkg/$f" ]; then
      cp "$pkg/$f" "$out"
      return
    fi
  done
  node -e '
    const p = require(process.argv[1]);
    const repo = typeof p.repository === "string" ? p.repository : (p.repository && p.repository.url) || "(none)";
    process.stdout.write(`${p.name}@${p.version}\n\nSPDX-License-Identifier: ${p.license}\nRepository: ${repo}\n\nThe package ships no licence file; this note was written by tools/vendor-assets.sh.\n`);
  ' "$pkg/package.json" >"${out%/*}/LICENSE.md"
  echo "vendor-assets: note: $(node -e 'process.stdout.write(require(process.argv[1]).name)' "$pkg/package.json") ships no licence file; wrote static/vendor/${out#"$STAGE"/}.md instead" >&2
}

echo "vendor-assets: fetching $UTRECHT_PKG@$UTRECHT_VERSION, $THEME_PKG@$THEME_VERSION, $FONT_PKG@$FONT_VERSION"
UTRECHT_DIR="$(fetch "$UTRECHT_PKG" "$UTRECHT_VERSION" "$UTRECHT_INTEGRITY")"
THEME_DIR="$(fetch "$THEME_PKG" "$THEME_VERSION" "$THEME_INTEGRITY")"
FONT_DIR="$(fetch "$FONT_PKG" "$FONT_VERSION" "$FONT_INTEGRITY")"

# Build the new tree next to the old one, then swap, so a failure leaves the
# current static/vendor untouched.
STAGE="$WORK/vendor"
mkdir -p "$STAGE/utrecht" "$STAGE/voorbeeld-theme" "$STAGE/noto-sans"

cp "$UTRECHT_DIR/dist/index.css" "$STAGE/utrecht/index.css"
cp "$UTRECHT_DIR/dist/html.css" "$STAGE/utrecht/html.css"
licence_of "$UTRECHT_DIR" "$STAGE/utrecht/LICENSE"

cp "$THEME_DIR/dist/theme.css" "$STAGE/voorbeeld-theme/theme.css"
licence_of "$THEME_DIR" "$STAGE/voorbeeld-theme/LICENSE"

FONT_FILES=()
for w in "${FONT_WEIGHTS[@]}"; do
  f="noto-sans-latin-$w-normal.woff2"
  cp "$FONT_DIR/files/$f" "$STAGE/noto-sans/$f"
  FONT_FILES+=("$f")
done
licence_of "$FONT_DIR" "$STAGE/noto-sans/LICENSE"

# No copied stylesheet may load anything from elsewhere: no @import, and no
# url() other than inline data: URIs (the SVG namespace inside those is not a fetch).
bad="$(grep -n -o -E '@import[^;]*|url\([^)]*\)' "$STAGE"/*/*.css | grep -v -E "url\((['\"]?)data:" || true)"
if [ -n "$bad" ]; then
  echo "vendor-assets: copied CSS references external resources:" >&2
  printf '%s\n' "$bad" >&2
  exit 1
fi

licence_cell() { [ -f "$1/LICENSE" ] && echo "[$2]($3/LICENSE)" || echo "$2 ([note]($3/LICENSE.md))"; }
spdx() { node -e 'process.stdout.write(require(process.argv[1]).license)' "$1/package.json"; }

{
  echo "# Vendored front-end assets"
  echo
  echo "Third-party CSS and fonts, copied from their npm packages so the app serves"
  echo "them from its own origin. Do not edit these files by hand: regenerate with"
  echo "\`make vendor\` (runs tools/vendor-assets.sh), which pins each version and its"
  echo "integrity hash."
  echo
  echo "| package | version | licence | files |"
  echo "| --- | --- | --- | --- |"
  echo "| \`$UTRECHT_PKG\` | $UTRECHT_VERSION | $(licence_cell "$STAGE/utrecht" "$(spdx "$UTRECHT_DIR")" utrecht) | \`utrecht/index.css\` (from \`dist/index.css\`), \`utrecht/html.css\` (from \`dist/html.css\`) |"
  echo "| \`$THEME_PKG\` | $THEME_VERSION | $(licence_cell "$STAGE/voorbeeld-theme" "$(spdx "$THEME_DIR")" voorbeeld-theme) | \`voorbeeld-theme/theme.css\` (from \`dist/theme.css\`; tokens scoped to the class \`voorbeeld-theme\`) |"
  printf '| `%s` | %s | %s | ' "$FONT_PKG" "$FONT_VERSION" "$(licence_cell "$STAGE/noto-sans" "$(spdx "$FONT_DIR")" noto-sans)"
  sep=""
  for f in "${FONT_FILES[@]}"; do printf '%s`noto-sans/%s`' "$sep" "$f"; sep=", "; done
  echo " (latin subset, normal style; used by \`static/css/fonts.css\`) |"
} >"$STAGE/README.md"

mkdir -p "$DEST"
rm -rf "$DEST/utrecht" "$DEST/voorbeeld-theme" "$DEST/noto-sans" "$DEST/README.md"
cp -R "$STAGE/." "$DEST/"
echo "vendor-assets: wrote $(cd "$DEST" && pwd)"
