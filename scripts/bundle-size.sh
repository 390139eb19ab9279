#!/usr/bin/env bash
# The release bundle's size as the README states it: gzip -9 of the .wasm and the .js that
# Trunk wrote to dist/ (build first: `cargo xtask build`). Brotli (what `driftlab serve`
# sends) for comparison.
#   scripts/bundle-size.sh [DIST]
set -euo pipefail
dist="${1:-$(dirname "${BASH_SOURCE[0]}")/../dist}"
shopt -s nullglob
wasm=("$dist"/driftlab-app-*_bg.wasm)
js=("$dist"/driftlab-app-*.js)
if [[ ${#wasm[@]} -ne 1 || ${#js[@]} -ne 1 ]]; then
  echo "bundle-size: expected one .wasm and one .js in $dist; build first: cargo xtask build" >&2
  exit 1
fi
size() { wc -c <"$1" | tr -d ' '; }
gz() { gzip -9c "$1" | wc -c | tr -d ' '; }
w_raw=$(size "${wasm[0]}"); w_gz=$(gz "${wasm[0]}")
j_raw=$(size "${js[0]}"); j_gz=$(gz "${js[0]}")
total=$((w_gz + j_gz))
printf '.wasm %9d bytes, gzip -9 %9d\n' "$w_raw" "$w_gz"
printf '.js   %9d bytes, gzip -9 %9d\n' "$j_raw" "$j_gz"
printf 'bundle (gzip -9): %d + %d = %d bytes (%d KB)\n' "$w_gz" "$j_gz" "$total" $(((total + 512) / 1024))
# The load-test view's Web Worker: loaded only when a sweep starts.
for worker in "$dist"/sweep-worker_bg.wasm; do
  [[ -f "$worker" ]] && printf 'worker .wasm (loaded by the load-test view only) %d bytes, gzip -9 %d\n' "$(size "$worker")" "$(gz "$worker")"
done
if [[ -f "${wasm[0]}.br" && -f "${js[0]}.br" ]]; then
  br=$(($(size "${wasm[0]}.br") + $(size "${js[0]}.br")))
  printf 'bundle (Brotli copies, as served): %d bytes (%d KB)\n' "$br" $(((br + 512) / 1024))
fi
