#!/bin/bash
# session-flow.sh LANG OUTDIR: screenshots of saving, recovering after kill -9,
# opening and refusing a session file, in the workbench under Xvfb.
# LANG is en or de. Needs a built tree (build/), xdotool and imagemagick.
set -u
L=$1; OUT=$(realpath -m "$2"); D=:77
TOP=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$OUT"; mkdir -p "$OUT"/home/{state,data,config,cache}
Xvfb $D -screen 0 1600x1000x24 >/dev/null 2>&1 & XP=$!
sleep 1
export DISPLAY=$D XDG_STATE_HOME=$OUT/home/state XDG_DATA_HOME=$OUT/home/data \
  XDG_CONFIG_HOME=$OUT/home/config XDG_CACHE_HOME=$OUT/home/cache GTK_A11Y=none NO_AT_BRIDGE=1 \
  DIDACT_AUTOSAVE_INTERVAL=5 OUT
if [ "$L" = de ]; then
  export LANGUAGE=de LC_ALL=C.UTF-8 DIDACT_LOCALEDIR=$TOP/build/po/locale
fi
cd "$TOP"
dbus-run-session -- bash -c '
gone () { while pgrep -x didact >/dev/null; do sleep 0.2; done; }
meson devenv -C build app/didact >"$OUT/log1" 2>&1 &
sleep 8
xdotool mousemove 28 28 click 1; sleep 20                     # play for 20 s
import -window root "$OUT/1-running.png"
xdotool mousemove 770 86 click 1; sleep 1                     # the Φ plot’s explanation
import -window root "$OUT/1b-explanation.png"; xdotool key Escape; sleep 0.5
xdotool key ctrl+s; sleep 2; xdotool key ctrl+a
xdotool type --delay 30 "$OUT/lesson.didact"; sleep 0.5
import -window root "$OUT/2-save-dialog.png"
xdotool key Return; sleep 3
import -window root "$OUT/3-saved.png"
sleep 6                                                       # an autosave after the save
pkill -9 -x didact; gone
meson devenv -C build app/didact >"$OUT/log2" 2>&1 &
sleep 8; import -window root "$OUT/4-recovery.png"
xdotool key Escape; sleep 1
xdotool key ctrl+o; sleep 2; import -window root "$OUT/5-open-dialog.png"
xdotool key Escape; sleep 1
pkill -x didact; gone
echo garbage > "$OUT/broken.didact"
meson devenv -C build app/didact "$OUT/lesson.didact" >"$OUT/log3" 2>&1 &
sleep 10; import -window root "$OUT/6-opened.png"
xdotool key ctrl+o; sleep 2; xdotool key ctrl+l
xdotool type --delay 30 "$OUT/broken.didact"; sleep 1.5; xdotool key Return; sleep 3
import -window root "$OUT/7-refused.png"
pkill -x didact
'
kill $XP
