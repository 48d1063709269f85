#!/usr/bin/env bash
# test-install.sh: install Didact into a scratch directory and check the result
#
# Copyright 2026 The Didact authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   test-install.sh BUILD_ROOT SOURCE_ROOT
#
# Runs `meson install --destdir` on an already built tree, then checks what a
# desktop and a user would find under the prefix: the two programs run, the
# command-line tool trains on the bundled digits set as installed, the desktop
# entry, the metainfo, the settings schema and the MIME definition are valid,
# a session file is recognised by its name and by its signature, and the
# translations and icons are where a desktop looks for them. Prints TAP; exits
# non-zero if a check fails. A check whose tool is not installed is skipped,
# not failed. MESON names the meson command (default: meson on PATH).
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 BUILD_ROOT SOURCE_ROOT" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
meson=${MESON:-meson}
app_id=org.didact.Workbench
mime_type=application/x-didact-session

python=$(command -v python3 || command -v /usr/bin/python3)

# intro_option NAME: a build option as configured (prefix, datadir, …)
intro_option() {
  "$python" -c 'import json, sys
for o in json.load(open(sys.argv[1])):
    if o["name"] == sys.argv[2]:
        print(o["value"])' "$build/meson-info/intro-buildoptions.json" "$1"
}
# an absolute option stays as it is; a relative one is under the prefix
under_prefix() {
  case "$1" in /*) echo "$1" ;; *) echo "$prefix/$1" ;; esac
}
prefix=$(intro_option prefix)
bindir=$(under_prefix "$(intro_option bindir)")
datadir=$(under_prefix "$(intro_option datadir)")
localedir=$(under_prefix "$(intro_option localedir)")
version=$("$python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["version"])' \
          "$build/meson-info/intro-projectinfo.json")
pkgdatadir=$datadir/didact

mapfile -t languages < <(grep -v '^[[:space:]]*\(#\|$\)' "$src/po/LINGUAS" | tr -s ' ' '\n' | grep -v '^$')

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
dest=$scratch/dest
log=$scratch/log
# installed paths, as they lie under the scratch directory
bin=$dest$bindir
data=$dest$datadir
cli=$bin/didact-cli

n=0
failed=0

# check DESCRIPTION COMMAND...: one TAP line; the command's output as comments
# on failure. COMMAND is a shell function, or a program (skipped if missing).
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

# check_with TOOL DESCRIPTION FUNCTION...: check, but skipped when TOOL is missing
check_with() {
  local tool=$1
  shift
  if ! command -v "$tool" >/dev/null 2>&1; then
    n=$((n + 1))
    echo "ok $n - $1 # SKIP $tool is not installed"
    return
  fi
  check "$@"
}

has_line() {
  grep -Eq -- "$2" "$1" || { echo "no line matching $2 in $1"; return 1; }
}
same_file() {
  cmp "$1" "$2"
}
# xml_ok FILE: FILE is there, not empty, and well-formed (where xmllint is)
xml_ok() {
  test -s "$1" || { echo "$1: missing or empty"; return 1; }
  if command -v xmllint >/dev/null 2>&1; then
    xmllint --noout "$1"
  fi
}

# ---------------------------------------------------------------------------
# installing

install_tree() {
  "$meson" install -C "$build" --no-rebuild --destdir "$dest"
}
check "meson install --destdir succeeds" install_tree

# ---------------------------------------------------------------------------
# the programs

cli_version() {
  local out
  out=$("$cli" --version) || return 1
  echo "$out"
  [ "$out" = "didact-cli $version" ] || { echo "expected: didact-cli $version"; return 1; }
}
check "installed didact-cli --version prints didact-cli $version" cli_version

cli_help() {
  "$cli" --help >"$scratch/help" || return 1
  cat "$scratch/help"
  local c
  for c in train teach compare datasets; do
    has_line "$scratch/help" "^  $c " || return 1
  done
}
check "installed didact-cli --help lists its commands" cli_help

app_help() {
  # the workbench answers --help before it opens a display
  env -u DISPLAY -u WAYLAND_DISPLAY ASAN_OPTIONS=detect_leaks=0 \
    "$bin/didact" --help >"$scratch/app-help" || return 1
  cat "$scratch/app-help"
  has_line "$scratch/app-help" '--preset='
}
check "installed didact --help runs" app_help

# ---------------------------------------------------------------------------
# the bundled digits set

check "the digits set is installed in pkgdatadir, unchanged" \
  same_file "$src/data/digits.csv.gz" "$dest$pkgdatadir/digits.csv.gz"

names_pkgdatadir() {
  # the path the engine looks in when no other place holds the set
  grep -aqF -- "$pkgdatadir/digits.csv.gz" "$cli" ||
    { echo "$cli does not name $pkgdatadir/digits.csv.gz"; return 1; }
}
check "didact-cli looks for the digits set in the installed pkgdatadir" names_pkgdatadir

# The engine's compiled-in pkgdatadir is $pkgdatadir, which only exists under
# the scratch directory; DIDACT_DATA_DIR (searched first) is pointed at it so
# that the installed file, not the source tree's, is the one found.
mkdir -p "$scratch/datadirs"
ln -s "$dest$pkgdatadir" "$scratch/datadirs/digits"
installed_env=(env DIDACT_DATA_DIR="$scratch/datadirs" XDG_CACHE_HOME="$scratch/cache")

finds_installed_digits() {
  "${installed_env[@]}" "$cli" datasets --json >"$scratch/datasets" || return 1
  grep '"name":"digits"' "$scratch/datasets"
  grep '"name":"digits"' "$scratch/datasets" |
    grep -qF "\"path\":\"$scratch/datadirs/digits/digits.csv.gz\""
}
check "installed didact-cli datasets finds the installed digits set" finds_installed_digits

train_digits() {
  # the same search as above: the set it trains on is the installed one (the
  # source tree's copy would be found too if that search failed)
  finds_installed_digits >/dev/null || { echo "the installed digits set is not the one found"; return 1; }
  "${installed_env[@]}" "$cli" train --dataset digits --hidden 16 --steps 20 \
    --json >"$scratch/train" || return 1
  tail -n 1 "$scratch/train"
  tail -n 1 "$scratch/train" | grep -q '"event":"summary"' &&
    tail -n 1 "$scratch/train" | grep -q '"steps":20,' &&
    tail -n 1 "$scratch/train" | grep -Eq '"test_accuracy":(0\.[0-9]+|1(\.0+)?),'
}
check "installed didact-cli trains 20 steps on the installed digits set" train_digits

# ---------------------------------------------------------------------------
# desktop integration files

desktop=$data/applications/$app_id.desktop
metainfo=$data/metainfo/$app_id.metainfo.xml
mime_xml=$data/mime/packages/$app_id.xml

check "desktop entry is valid" desktop-file-validate "$desktop"

desktop_opens_sessions() {
  has_line "$desktop" '^Exec=didact %F$' &&
    has_line "$desktop" "^MimeType=([^;]+;)*$mime_type;" &&
    has_line "$mime_xml" "<mime-type type=\"$mime_type\">"
}
check "desktop entry opens files of the installed MIME type" desktop_opens_sessions

check "metainfo is valid (appstream-util)" appstream-util validate-relax --nonet "$metainfo"
check "metainfo is valid (appstreamcli)" appstreamcli validate --no-net "$metainfo"
check "metainfo provides the MIME type" \
  has_line "$metainfo" "<mediatype>$mime_type</mediatype>"

check "settings schema compiles strictly" \
  glib-compile-schemas --strict --dry-run "$data/glib-2.0/schemas"

schema_usable() {
  mkdir -p "$scratch/schemas"
  glib-compile-schemas --strict --targetdir "$scratch/schemas" "$data/glib-2.0/schemas" &&
    GSETTINGS_SCHEMA_DIR=$scratch/schemas gsettings get $app_id default-preset
}
check_with gsettings "settings schema, compiled as the post-install step does, gives its defaults" \
  schema_usable

# ---------------------------------------------------------------------------
# the MIME type of session files

check "MIME definition is installed and well-formed" xml_ok "$mime_xml"

mime_db() {
  mkdir -p "$scratch/xdg"
  cp -r "$data/mime" "$scratch/xdg/mime"
  update-mime-database "$scratch/xdg/mime" &&
    test -s "$scratch/xdg/mime/magic" && test -s "$scratch/xdg/mime/globs2"
}
check "update-mime-database accepts the MIME definition" mime_db

# content_type FILE [DATA_DIRS]: the content type GIO gives FILE when the
# shared-mime-info database is DATA_DIRS (default: the copy built above)
content_type() {
  XDG_DATA_HOME=$scratch/no-home XDG_DATA_DIRS=${2:-$scratch/xdg} \
    gio info -a standard::content-type "$1" |
    sed -n 's/^ *standard::content-type: //p'
}
is_type() {
  local got
  got=$(content_type "$2")
  echo "$2: $got"
  [ "$got" = "$1" ]
}
is_not_type() {
  local got
  got=$(content_type "$2" "${3:-}")
  echo "$2: $got"
  [ -n "$got" ] && [ "$got" != "$1" ]
}

mkdir -p "$scratch/files"
signed=$scratch/files/saved-session
printf '\211DDS\r\n\032\n' >"$signed"
head -c 56 /dev/zero >>"$signed"
named=$scratch/files/x.didact
printf 'not a session, but named as one\n' >"$named"
other=$scratch/files/notes.txt
printf 'plain text\n' >"$other"

check_with gio "a file with the session signature is $mime_type" is_type "$mime_type" "$signed"
check_with gio "a file named x.didact is $mime_type" is_type "$mime_type" "$named"
check_with gio "a plain text file is not $mime_type" is_not_type "$mime_type" "$other"
check_with gio "without the installed definition the signed file is not $mime_type" \
  is_not_type "$mime_type" "$signed" "$scratch/empty-data-dirs"

opens_sessions() {
  # the desktop database as the post-install step builds it (GIO reads the
  # MIME associations from it), on a copy; and GIO lists a desktop entry only
  # if its Exec program is on PATH. (update-desktop-database is there
  # wherever the build was configured: the post-install step needs it.)
  mkdir -p "$scratch/xdg"
  cp -r "$data/applications" "$scratch/xdg/applications"
  update-desktop-database "$scratch/xdg/applications" 2>/dev/null || return 1
  LC_ALL=C PATH=$bin:$PATH XDG_DATA_HOME=$scratch/no-home \
    XDG_CONFIG_HOME=$scratch/no-config XDG_DATA_DIRS=$scratch/xdg \
    gio mime "$mime_type" >"$scratch/handlers" || return 1
  cat "$scratch/handlers"
  grep -q "^Default application for .*: $app_id\\.desktop\$" "$scratch/handlers"
}
check_with gio "the workbench is the default application for $mime_type" opens_sessions

# ---------------------------------------------------------------------------
# translations and icons

# mo_matches_po MO PO: the same messages, whatever msgfmt's layout
mo_matches_po() {
  msgfmt -o "$scratch/fresh.mo" "$2" &&
    msgunfmt "$1" >"$scratch/installed.po" &&
    msgunfmt "$scratch/fresh.mo" >"$scratch/fresh.po" &&
    cmp "$scratch/installed.po" "$scratch/fresh.po"
}
for l in "${languages[@]}"; do
  check "$localedir/$l/LC_MESSAGES/didact.mo holds po/$l.po" \
    mo_matches_po "$dest$localedir/$l/LC_MESSAGES/didact.mo" "$src/po/$l.po"
done

icons=$data/icons/hicolor
for icon in "scalable/apps/$app_id.svg" "symbolic/apps/$app_id-symbolic.svg" \
            "scalable/mimetypes/${mime_type/\//-}.svg"; do
  check "icon $icon is installed" xml_ok "$icons/$icon"
done

echo "1..$n"
if [ "$failed" -ne 0 ]; then
  echo "# $failed of $n checks failed"
  exit 1
fi
