#!/usr/bin/env bash
# What one acknowledged write costs a node, in counts rather than time: commits, bytes written
# to disk (write_bytes of /proc/PID/io: the kernel counts 4 KiB each time the process changes a
# clean page of a file), write system calls, threads. Counts compare across builds where
# timings on a shared machine do not. Three phases, each printing a RESULT line:
#  1. sequential: one node, N add_entry one after another to one list (after 50 to another, to
#     warm up): one change per synced commit, the worst case for bytes per change;
#  2. load: the same node, wrk -t2 -c32 adding to 1,000 lists (bench/add-many-lists.lua) for S
#     seconds after S of warm-up: changes that queue together share a commit;
#  3. cluster (unless NODES is 1): three new nodes, the same load through the first one once a
#     write is acknowledged there; bytes per acknowledged change on each node (every node
#     stores every change).
# Usage: bench/per-write.sh [--quick | N (300) [S (10; 0: phase 1 only) [NODES (3 or 1)]]]   (--quick: 100, 5, 3)
# The RESULT line for bench/run: the most bytes per acknowledged change on any node, phase 3 (else 2).
# Starts its own nodes (todo launch) on free loopback ports in a temporary folder, and ends them.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
source "$here/lib.sh"
if [[ "${1:-}" == --quick ]]; then
  n=100 secs=5 nodes=3
else
  n="${1:-300}" secs="${2:-10}" nodes="${3:-3}"
fi
bench_workspace per-write
epmd_port="$(free_port)"

# launch NAME PORT [--connect NODE@HOST]: one node through `todo launch` (waits until it serves); its pid.
launch() {
  local name="$1" port="$2"; shift 2
  TODO_COOKIE=bench ERL_EPMD_PORT="$epmd_port" "$root/todo" launch --db-folder "$work/data" --log-folder "$work" "$@" \
    "$name@127.0.0.1=$port" | cut -d' ' -f2
}

add() { curl -sf -d '' "http://127.0.0.1:$1/add_entry?list=$2&date=2018-12-19&title=$3" >/dev/null; }
metric() { curl -sf "http://127.0.0.1:$1/metrics" | awk -v m="$2" '$1 == m {printf "%d", $2}'; }
io() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/io"; }

echo "# command: ${TODO_JAVA_OPTS:+TODO_JAVA_OPTS='$TODO_JAVA_OPTS' }bench/per-write.sh $n $secs $nodes (in $root); commit $(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown); $(date -u '+%F %T UTC'); $(nproc) cores, $(java -version 2>&1 | head -1)"

# ---- 1. sequential, one node
port="$(free_port)"
pid="$(launch one "$port")"; bench_pids+=("$pid")
for i in $(seq 50); do add "$port" warm "w$i"; done
c0="$(metric "$port" todo_store_commits_total)"; b0="$(io "$pid" write_bytes)"; s0="$(io "$pid" syscw)"; t0="$(date +%s%N)"
for i in $(seq "$n"); do add "$port" one "t$i"; done
t1="$(date +%s%N)"; c1="$(metric "$port" todo_store_commits_total)"; b1="$(io "$pid" write_bytes)"; s1="$(io "$pid" syscw)"
echo "RESULT phase=sequential writes=$n commits_per_write=$(ratio $((c1 - c0)) "$n" %.3f) bytes_per_write=$(ratio $((b1 - b0)) "$n" %.0f)" \
  "write_syscalls_per_write=$(ratio $((s1 - s0)) "$n" %.2f) ms_per_write=$(ratio $((t1 - t0)) $((n * 1000000)) %.1f)" \
  "threads=$(ls "/proc/$pid/task" | wc -l)"
(( secs > 0 )) || exit 0

# load ENTRY_PORT LABEL WARM_UP_SECONDS PID...: wrk through ENTRY_PORT, then per node bytes per acknowledged change.
load() {
  local entry="$1" label="$2" warm="$3"; shift 3
  wrk -t2 -c32 -d"${warm}s" -s "$here/add-many-lists.lua" "http://127.0.0.1:$entry" -- acked >/dev/null
  local -A b0=()
  for p in "$@"; do b0[$p]="$(io "$p" write_bytes)"; done
  local result
  result="$(wrk -t2 -c32 -d"${secs}s" -s "$here/add-many-lists.lua" "http://127.0.0.1:$entry" -- acked | grep RESULT)"
  local requests errors acked
  requests="$(grep -o 'requests=[0-9]*' <<<"$result" | cut -d= -f2)"
  errors="$(grep -o ' errors=[0-9]*' <<<"$result" | cut -d= -f2)"
  acked=$((requests - errors))
  local line="RESULT phase=$label acknowledged=$acked errors=$errors rps=$(grep -o 'rps=[0-9]*' <<<"$result" | cut -d= -f2)"
  local i=1 b
  most_bytes=0
  for p in "$@"; do
    b="$(ratio $(( $(io "$p" write_bytes) - b0[$p] )) "$acked" %.0f)"
    line+=" node${i}_bytes_per_write=$b"
    (( b > most_bytes )) && most_bytes=$b
    i=$((i + 1))
  done
  echo "$line"
}

# ---- 2. load, the same node (the store's commits: how many changes each held)
c0="$(metric "$port" todo_store_commits_total)"; w0="$(metric "$port" todo_store_commit_writes_total)"
load "$port" load "$secs" "$pid"
c1="$(metric "$port" todo_store_commits_total)"; w1="$(metric "$port" todo_store_commit_writes_total)"
echo "# load: $((w1 - w0)) changes in $((c1 - c0)) commits: $(ratio $((w1 - w0)) $((c1 - c0)) %.1f) per commit (warm-up included)"
kill -9 "$pid"
if (( nodes != 3 )); then
  result write.bytes_per_change_per_node "$most_bytes" B "one node under wrk -t2 -c32 over 1,000 lists (/proc/PID/io write_bytes)"
  exit 0
fi

# ---- 3. three nodes, the load through the first
ports=("$(free_port)" "$(free_port)" "$(free_port)")
cluster=("$(launch n1 "${ports[0]}")")
bench_pids+=("${cluster[0]}")
for i in 1 2; do cluster+=("$(launch "n$((i + 1))" "${ports[$i]}" --connect n1@127.0.0.1)"); bench_pids+=("${cluster[$i]}"); done
for _ in $(seq 120); do
  [[ "$(curl -sf "http://127.0.0.1:${ports[0]}/api/cluster" | grep -o '"n[123]@127.0.0.1"' | sort -u | wc -l)" == 3 ]] && break
  sleep 0.5
done
for _ in $(seq 120); do add "${ports[0]}" probe p && break; sleep 0.5; done
load "${ports[0]}" cluster $((secs * 2)) "${cluster[@]}"
result write.bytes_per_change_per_node "$most_bytes" B "the most written per acknowledged change on one node of 3 under wrk -t2 -c32 over 1,000 lists (/proc/PID/io write_bytes)"
