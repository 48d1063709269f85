#!/usr/bin/env bash
# test-desktop.sh: validate the desktop integration files
#
# Copyright 2026 The Didact authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   test-desktop.sh BUILD_ROOT SOURCE_ROOT
#
# Checks the desktop entry and the AppStream metainfo as merged with their
# translations in the build tree, the GSettings schema, the icons they name
# and every translation in po/. Prints TAP; exits non-zero if a check fails.
# A check whose tool is not installed is skipped, not failed.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 BUILD_ROOT SOURCE_ROOT" >&2
  exit 2
fi
build=$1
src=$2
app_id=org.didact.Workbench
desktop=$build/data/$app_id.desktop
metainfo=$build/data/$app_id.metainfo.xml

mapfile -t languages < <(grep -v '^[[:space:]]*\(#\|$\)' "$src/po/LINGUAS" | tr -s ' ' '\n' | grep -v '^$')

n=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# check DESCRIPTION COMMAND...: one TAP line; the command's output as comments on failure
check() {
  local description=$1
  shift
  n=$((n + 1))
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "ok $n - $description # SKIP $1 is not installed"
    return
  fi
  if "$@" >"$log" 2>&1; then
    echo "ok $n - $description"
  else
    echo "not ok $n - $description"
    sed 's/^/# /' "$log"
    failed=$((failed + 1))
  fi
}

# has_line FILE PATTERN: FILE has a line matching the extended regex PATTERN
has_line() {
  grep -Eq -- "$2" "$1" || { echo "no line matching $2 in $1"; return 1; }
}

desktop_names_icon_and_binary() {
  has_line "$desktop" "^Icon=$app_id\$" && has_line "$desktop" '^Exec=didact( |$)'
}

desktop_has_translations() {
  local l
  for l in "${languages[@]}"; do
    has_line "$desktop" "^Comment\\[$l\\]=" || return 1
  done
}

echo "1..$((8 + ${#languages[@]}))"

check "desktop entry is valid" desktop-file-validate "$desktop"
check "desktop entry names the app's icon and binary" desktop_names_icon_and_binary
check "desktop entry carries the translations" desktop_has_translations
check "metainfo is valid" appstream-util validate-relax --nonet "$metainfo"
check "metainfo launches the desktop entry" \
  has_line "$metainfo" "<launchable type=\"desktop-id\">$app_id\\.desktop</launchable>"
check "settings schema compiles strictly" \
  glib-compile-schemas --strict --dry-run "$src/data"
check "app icon exists" \
  test -s "$src/data/icons/hicolor/scalable/apps/$app_id.svg"
check "symbolic icon exists" \
  test -s "$src/data/icons/hicolor/symbolic/apps/$app_id-symbolic.svg"
for l in "${languages[@]}"; do
  check "po/$l.po compiles" msgfmt --check -o /dev/null "$src/po/$l.po"
done

if [ "$failed" -ne 0 ]; then
  echo "# $failed of $n checks failed"
  exit 1
fi
