#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   ./run.sh          install what is missing, build, and run Cepstra on the embedded demo dataset
#   ./run.sh test     install what is missing, build, and run the whole test suite
#   ./run.sh fuzz [S] build the libFuzzer targets with clang and fuzz each for S seconds (60)
#
# Environment: CEPSTRA_BUILD_DIR (default: build), CEPSTRA_MESON_ARGS (extra `meson setup`
# arguments, e.g. "-Db_sanitize=address,undefined -Db_lundef=false").
set -euo pipefail
cd "$(dirname "$0")"

BUILD_DIR=${CEPSTRA_BUILD_DIR:-build}

# Debian 12 packages that build and run everything: core, CLI, the GTK workbench, the Vulkan
# backend (headers, glslc, and lavapipe so it runs without a GPU) and the demo generator.
PACKAGES=(
  gcc meson ninja-build pkg-config python3 gettext
  libglib2.0-dev libglib2.0-bin libjson-glib-dev libsndfile1-dev
  libopenblas-dev libcairo2-dev libpango1.0-dev
  libgtk-4-dev libadwaita-1-dev librsvg2-common fonts-cantarell
  libvulkan-dev glslc mesa-vulkan-drivers
  libespeak-ng-dev espeak-ng-data
)

# What only the tests need: an X server and a D-Bus session for the window tests, the desktop
# file and AppStream validators, the Vulkan validation layer, and Debian's PyTorch for the
# checkpoint test (it loads a Cepstra checkpoint into torch.nn.Sequential).
TEST_PACKAGES=(
  xvfb xauth dbus-daemon at-spi2-core
  desktop-file-utils appstream
  vulkan-validationlayers
  python3-numpy python3-torch
)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

install_missing_packages() {
  local missing=() package
  for package in "${PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' \
      || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "Installing ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

build() {
  # shellcheck disable=SC2086 # CEPSTRA_MESON_ARGS is a list of words on purpose
  # Every part is required: a missing package must fail the build, not drop a test suite.
  local args=(-Dwerror=true -Dgui=enabled -Dvulkan=enabled -Ddemo_generator=enabled
              ${CEPSTRA_MESON_ARGS:-})
  if [ -f "$BUILD_DIR/build.ninja" ]; then
    meson setup --reconfigure "$BUILD_DIR" "${args[@]}" >/dev/null
  else
    log "Configuring $BUILD_DIR"
    meson setup "$BUILD_DIR" "${args[@]}" >/dev/null
  fi
  log "Building"
  meson compile -C "$BUILD_DIR"
}

# One closing line for people and CI: "N passed, N failed, N skipped".
summarize_tests() {
  python3 - "$BUILD_DIR/meson-logs/testlog.json" <<'PY'
import json, sys
counts = {"passed": 0, "failed": 0, "skipped": 0}
for line in open(sys.argv[1]):
    result = json.loads(line)["result"]
    key = {"OK": "passed", "EXPECTEDFAIL": "passed", "SKIP": "skipped"}.get(result, "failed")
    counts[key] += 1
print(f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
PY
}

run_tests() {
  log "Testing"
  local status=0
  meson test -C "$BUILD_DIR" --no-rebuild --print-errorlogs --num-processes 2 "$@" || status=$?
  summarize_tests
  return $status
}

# libFuzzer needs clang; each corpus is copied so a run never rewrites the committed seeds.
FUZZ_TARGETS=(npy safetensors experiment metrics)

run_fuzz() {
  local seconds=${1:-60} corpus target
  install_missing_packages clang libclang-rt-14-dev
  if [ -f build-fuzz/build.ninja ]; then
    CC=clang meson setup --reconfigure build-fuzz -Dfuzzing=true >/dev/null
  else
    CC=clang meson setup build-fuzz -Dfuzzing=true >/dev/null
  fi
  ninja -C build-fuzz "${FUZZ_TARGETS[@]/#/tests/fuzz/fuzz-}"
  for target in "${FUZZ_TARGETS[@]}"; do
    corpus=$(mktemp -d)
    cp "tests/fuzz/corpus/$target"/* "$corpus"/
    log "Fuzzing the $target parser for $seconds s"
    "build-fuzz/tests/fuzz/fuzz-$target" -max_total_time="$seconds" -print_final_stats=1 \
      "$corpus"
    rm -rf "$corpus"
  done
}

# The main job: the workbench window when there is a display and it was built, else the
# headless demo.
run_demo() {
  local gui="$BUILD_DIR/app/gui/cepstra"
  if [ -x "$gui" ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
    log "Cepstra on the embedded demo dataset"
    exec "$gui"
  fi
  run_cli_demo
}

# Headless: train `tiny` on the demo dataset and write what the window would show.
run_cli_demo() {
  local cli="$BUILD_DIR/app/cli/cepstra-cli" out="$BUILD_DIR/demo"
  local run="$out/run" utterance
  log "No display: the headless demo on the embedded demo dataset"
  "$cli" inspect
  rm -rf "$out"
  mkdir -p "$out"
  log "Training tiny (${CEPSTRA_DEMO_EPOCHS:-5} epochs)"
  "$cli" train --preset tiny --epochs "${CEPSTRA_DEMO_EPOCHS:-5}" --out "$run"
  "$cli" plot "$run" --png "$out/curves.png"
  "$cli" confusion "$run" --normalize --png "$out/confusion.png" >"$out/confusion.txt"
  utterance=$(basename "$(find data/demo/dataset/dev-clean/mfcc -name '*.npy' | sort | head -n 1)" .npy)
  "$cli" depmatrix "$run" --utterance "$utterance" --png "$out/depmatrix.png" >/dev/null
  "$cli" predict "$run" --partition test-clean --csv "$out/submission.csv"
  log "Written to $out: curves.png, confusion.png (and .txt), depmatrix.png, submission.csv"
}

main() {
  local command=${1:-run}
  [ $# -gt 0 ] && shift
  case "$command" in
    run) install_missing_packages; build; run_demo ;;
    test) install_missing_packages "${TEST_PACKAGES[@]}"; build; run_tests "$@" ;;
    fuzz) run_fuzz "$@" ;;
    -h|--help|help) sed -n '3,10p' "$0" | sed 's/^# \{0,1\}//' ;;
    *) echo "run.sh: unknown command “$command” (try ./run.sh --help)" >&2; exit 1 ;;
  esac
}

main "$@"
