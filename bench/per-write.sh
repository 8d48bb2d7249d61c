#!/usr/bin/env bash
# What one acknowledged write costs a node, in counts rather than time: commits, bytes written
# to disk, write system calls, threads. One node, N add_entry requests one after another to
# one list (after 50 to another list, to warm up). Counts compare across builds where timings
# on a shared machine do not.
# Usage: bench/per-write.sh [N, default 300]
# Starts its own node (todo launch) on a free loopback port in a temporary folder, and ends it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
n="${1:-300}"
work="$(mktemp -d)"
pid=""
cleanup() { [[ -n "$pid" ]] && kill -9 "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
launched="$("$root/todo" launch --db-folder "$work/data" --log-folder "$work" "perwrite@127.0.0.1=$port")"
pid="$(cut -d' ' -f2 <<<"$launched")"
url="http://127.0.0.1:$port"

add() { curl -sf -d '' "$url/add_entry?list=$1&date=2018-12-19&title=$2" >/dev/null; }
commits() { curl -sf "$url/metrics" | awk '/^todo_store_commits_total/ {print $2}'; }
io() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$pid/io"; }

for i in $(seq 50); do add warm "w$i"; done
c0="$(commits)"; b0="$(io write_bytes)"; s0="$(io syscw)"; t0="$(date +%s%N)"
for i in $(seq "$n"); do add one "t$i"; done
t1="$(date +%s%N)"; c1="$(commits)"; b1="$(io write_bytes)"; s1="$(io syscw)"
echo "# command: bench/per-write.sh $n (in $root); commit $(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown); $(date -u '+%F %T UTC')"
awk -v n="$n" -v c="$((${c1%.*} - ${c0%.*}))" -v b="$((b1 - b0))" -v s="$((s1 - s0))" -v t="$((t1 - t0))" \
  -v th="$(ls "/proc/$pid/task" | wc -l)" 'BEGIN {
  printf "RESULT writes=%d commits_per_write=%.3f bytes_per_write=%d write_syscalls_per_write=%.2f ms_per_write=%.1f threads=%d\n",
    n, c / n, b / n, s / n, t / n / 1e6, th }'
