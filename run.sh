#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   ./run.sh          install what is missing, build, and run Cepstra on the embedded demo dataset
#   ./run.sh test     install what is missing, build, and run the whole test suite
#   ./run.sh fuzz [S] build the libFuzzer targets with clang and fuzz each for S seconds (60)
#   ./run.sh flatpak  build the Flatpak against a stand-in runtime made from Debian packages,
#                     install it, and run its tests in the sandbox (flatpak/README.md)
#
# Environment: CEPSTRA_BUILD_DIR (default: build), CEPSTRA_MESON_ARGS (extra `meson setup`
# arguments, e.g. "-Db_sanitize=address,undefined -Db_lundef=false"), CEPSTRA_FLATPAK_CACHE
# (where the stand-in runtime, the package downloads and flatpak-builder's state are kept;
# default: ~/.cache/cepstra/flatpak).
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
  xvfb xauth dbus-daemon at-spi2-core locales
  desktop-file-utils appstream
  vulkan-validationlayers
  python3-numpy python3-torch
)

# What the Flatpak stage needs: flatpak-builder and its tools (it runs eu-strip from elfutils
# on the host to split debug info off the binaries), debootstrap for the stand-in
# runtime, and for the sandbox tests an X server, a D-Bus session with Debian's portals, and
# the tools that drive and photograph the window.
FLATPAK_PACKAGES=(
  flatpak flatpak-builder ostree bubblewrap debootstrap fuse3 ccache elfutils
  xvfb xauth dbus-daemon xdg-desktop-portal xdg-desktop-portal-gtk
  imagemagick xdotool python3-gi gir1.2-glib-2.0 git
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
FUZZ_TARGETS=(npy safetensors experiment metrics assignment)

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

# Times one phase of the Flatpak stage; the closing table says where the minutes went.
FLATPAK_TIMES=()
timed() {
  local name=$1 start=$SECONDS status=0
  shift
  "$@" || status=$?
  FLATPAK_TIMES+=("$(printf '%-28s %4d s' "$name" $((SECONDS - start)))")
  return $status
}

flatpak_snapshot_source() {
  # The working tree as git sees it (tracked and new files, not what .gitignore leaves out),
  # so a build folder or a local venv never travels into the Flatpak build.
  rm -rf build-flatpak/src
  mkdir -p build-flatpak/src
  git ls-files -z --cached --others --exclude-standard \
    | tar --null --files-from=- --create --file=- | tar --extract --directory=build-flatpak/src
}

flatpak_build_app() {
  python3 flatpak/make-test-manifest.py flatpak/io.github.cepstra.Cepstra.json \
    "$PWD/build-flatpak/src" build-flatpak/io.github.cepstra.Cepstra.test.json
  flatpak-builder --user --force-clean --ccache --disable-rofiles-fuse \
    --state-dir="$FLATPAK_CACHE/builder" --repo=build-flatpak/repo \
    build-flatpak/app build-flatpak/io.github.cepstra.Cepstra.test.json \
    > build-flatpak/flatpak-builder.log 2>&1 \
    || { tail -n 40 build-flatpak/flatpak-builder.log >&2; return 1; }
}

flatpak_install_app() {
  flatpak build-bundle build-flatpak/repo \
    build-flatpak/io.github.cepstra.Cepstra.flatpak io.github.cepstra.Cepstra >/dev/null
  flatpak --user install -y --noninteractive --reinstall \
    --bundle build-flatpak/io.github.cepstra.Cepstra.flatpak >/dev/null
}

flatpak_install_runtime() {
  flatpak --user remote-add --if-not-exists --no-gpg-verify cepstra-test-runtime \
    "$FLATPAK_CACHE/repo"
  flatpak --user remote-modify --no-gpg-verify --url="file://$FLATPAK_CACHE/repo" \
    cepstra-test-runtime
  flatpak --user install -y --noninteractive --or-update cepstra-test-runtime \
    io.github.cepstra.TestPlatform//test io.github.cepstra.TestSdk//test >/dev/null
}

# Builds the Flatpak from the real manifest's Cepstra module against the stand-in runtime,
# installs it in a Flatpak installation of its own (FLATPAK_USER_DIR under the cache, so the
# machine's own apps are untouched) and runs flatpak/test-sandbox.py on it.
run_flatpak() {
  install_missing_packages "${FLATPAK_PACKAGES[@]}"
  FLATPAK_CACHE=$(realpath -m "${CEPSTRA_FLATPAK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cepstra/flatpak}")
  export FLATPAK_USER_DIR="$FLATPAK_CACHE/installation"
  mkdir -p build-flatpak "$FLATPAK_CACHE"
  local start=$SECONDS status=0
  timed "stand-in runtime" flatpak/test-runtime/build.sh "$FLATPAK_CACHE"
  timed "runtime install" flatpak_install_runtime
  timed "source snapshot" flatpak_snapshot_source
  log "flatpak-builder (log: build-flatpak/flatpak-builder.log)"
  timed "flatpak-builder" flatpak_build_app
  timed "bundle and install" flatpak_install_app
  log "Sandbox tests"
  # Debian's Python: the tests talk to the document portal through PyGObject.
  timed "sandbox tests" /usr/bin/python3 flatpak/test-sandbox.py build-flatpak/sandbox || status=$?
  printf '%s\n' "${FLATPAK_TIMES[@]}" "$(printf '%-28s %4d s' total $((SECONDS - start)))"
  log "Bundle: build-flatpak/io.github.cepstra.Cepstra.flatpak ($(du -h build-flatpak/io.github.cepstra.Cepstra.flatpak | cut -f1))"
  return $status
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
    flatpak) run_flatpak ;;
    -h|--help|help) sed -n '3,15p' "$0" | sed 's/^# \{0,1\}//' ;;
    *) echo "run.sh: unknown command “$command” (try ./run.sh --help)" >&2; exit 1 ;;
  esac
}

main "$@"
