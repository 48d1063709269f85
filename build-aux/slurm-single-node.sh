#!/usr/bin/env bash
# slurm-single-node.sh DIDACT-CLI: a sweep through a real Slurm on this machine.
#
# Copyright 2026 The Didact authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Starts a one-node Slurm (Debian's slurm-wlm and munge; as root, installing
# them if missing) with its configuration and state in a scratch folder,
# writes a small digits sweep as an array job with `didact-cli sweep
# --slurm-array`, submits it with `sbatch --wait`, merges the tasks' cells
# with `--merge` and compares the tables with the same sweep run directly.
# Prints one line: "slurm: N tasks, tables identical" or what differed.
# The daemons are stopped at the end. Not part of the test suite: it needs
# root and starts system daemons.
set -euo pipefail
cli=$(realpath "${1:?usage: slurm-single-node.sh PATH-TO-didact-cli}")
[ "$(id -u)" -eq 0 ] || { echo "slurm-single-node.sh: run as root (it starts slurmctld, slurmd and munged)" >&2; exit 2; }
for p in slurm-wlm munge; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends slurm-wlm munge >/dev/null
done

work=$(mktemp -d /tmp/didact-slurm.XXXXXX)
host=$(hostname -s)
mem=$(awk '/MemTotal/ { print int($2 / 1024) - 1024 }' /proc/meminfo)
export SLURM_CONF=$work/slurm.conf
cat > "$SLURM_CONF" <<EOF
ClusterName=didact
SlurmctldHost=$host
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
JobAcctGatherType=jobacct_gather/none
ReturnToService=2
NodeName=$host CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=main Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
mkdir -p "$work/state" "$work/spool" /run/munge
chown munge:munge /run/munge
if ! pgrep -x munged >/dev/null; then
  [ -f /etc/munge/munge.key ] || { dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null;
                                   chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key; }
  su -s /bin/sh munge -c /usr/sbin/munged
fi
stop() {
  [ -f "$work/slurmd.pid" ] && kill "$(cat "$work/slurmd.pid")" 2>/dev/null || true
  [ -f "$work/slurmctld.pid" ] && kill "$(cat "$work/slurmctld.pid")" 2>/dev/null || true
}
trap stop EXIT
slurmctld
slurmd
for _ in $(seq 50); do sinfo -h -o %t 2>/dev/null | grep -q idle && break; sleep 0.2; done

cd "$work"
sweep=(--dataset digits --hidden 16 --pretrain 50 --budget 300 --seeds 3 --seed 11 --arms ce,taught
       --window 25 --grid lr=0.05,0.1)
"$cli" sweep "${sweep[@]}" --slurm-array sweep.sh --slurm-time 00:10:00 --slurm-mem 1000 >/dev/null
sbatch --wait --quiet sweep.sh
"$cli" sweep --merge sweep-cells | grep -v '^[0-9]* of [0-9]* cells' > merged.txt
"$cli" sweep "${sweep[@]}" 2>/dev/null | grep -v '^[0-9]* of [0-9]* cells' > direct.txt
tasks=$(ls sweep-cells/*.jsonl | wc -l)
if cmp -s merged.txt direct.txt; then
  echo "slurm: $tasks tasks, tables identical to the direct run (in $work)"
else
  echo "slurm: $tasks tasks, tables differ (in $work):"
  diff merged.txt direct.txt | head -20
  exit 1
fi
