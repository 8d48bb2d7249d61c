#!/usr/bin/env bash
# Single-node benchmarks, on this machine, all in one run so the figures compare:
#  1. the load mix (bench/load-mix.lua) under each JVM flag set the launcher could use;
#  2. the cost of a write to a list of ~10 entries beside one of ~10,000 entries.
# Usage: bench/single-node.sh [seconds per run, default 20]
# Needs wrk (apt-get install wrk). Starts its own nodes on free loopback ports in a
# temporary folder and ends them (by pid) before it exits.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
secs="${1:-20}"
command -v wrk >/dev/null || { echo "bench: wrk is needed (apt-get install wrk)" >&2; exit 2; }
work="$(mktemp -d)"
pid=""
cleanup() { [[ -n "$pid" ]] && kill -9 "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_node JVM_OPTIONS: one node through `todo launch`, the product's launcher of node JVMs,
# which waits until it serves and prints NAME PID HTTP_PORT; the node runs with the flags the
# launcher's own JVM got from TODO_JAVA_OPTS.
start_node() {
  port="$(free_port)"
  rm -rf "$work/data"
  local launched
  launched="$(TODO_JAVA_OPTS="$1" "$root/todo" launch --db-folder "$work/data" --log-folder "$work" \
    "bench@127.0.0.1=$port" 2>"$work/launch.log")" \
    || { echo "bench: node did not start"; cat "$work/launch.log" "$work/bench.log" 2>/dev/null; exit 1; }
  pid="$(cut -d' ' -f2 <<<"$launched")"
}

# stop_node: SIGKILL, and wait until the process is gone (it is not this shell's child).
stop_node() {
  kill -9 "$pid"
  while [[ -e "/proc/$pid" ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null; do sleep 0.05; done
  pid=""
}

rss_mb() { awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$pid/status"; }

echo "# $(date -u +%F) $(nproc) cores, $(java -version 2>&1 | head -1)"
echo "## load mix, wrk -t2 -c64 -d${secs}s (after a ${secs}s warm-up)"
for opts in "-XX:+UseParallelGC -Xms256m -Xmx512m" "-XX:+UseG1GC -Xmx512m" "-XX:+UseSerialGC -Xmx512m" ""; do
  start_node "$opts"
  wrk -t2 -c64 -d"${secs}s" -s "$here/load-mix.lua" "http://127.0.0.1:$port" >/dev/null
  result="$(wrk -t2 -c64 -d"${secs}s" --latency -s "$here/load-mix.lua" "http://127.0.0.1:$port" | grep RESULT)"
  echo "jvm='${opts:-(JVM defaults)}' $result peak_rss_mb=$(rss_mb)"
  stop_node
done

echo "## one list: cost of a write (PATCH of one entry) in a list of 10 vs ~10,000 entries, wrk -t1 -c16 -d${secs}s"
start_node "-XX:+UseParallelGC -Xms256m -Xmx512m"
for i in $(seq 1 10); do curl -sf -d '' "http://127.0.0.1:$port/add_entry?list=small&date=2018-12-19&title=e$i" >/dev/null; done
while :; do
  wrk -t1 -c16 -d5s -s "$here/add-one-list.lua" "http://127.0.0.1:$port" -- big >/dev/null
  size="$(curl -sf "http://127.0.0.1:$port/api/lists/big" | python3 -c 'import json,sys; print(json.load(sys.stdin)["size"])')"
  (( size >= 10000 )) && break
done
for list in small big small big; do
  result="$(wrk -t1 -c16 -d"${secs}s" --latency -s "$here/patch-one-list.lua" "http://127.0.0.1:$port" -- "$list" | grep RESULT)"
  size="$(curl -sf "http://127.0.0.1:$port/api/lists/$list" | python3 -c 'import json,sys; print(json.load(sys.stdin)["size"])')"
  echo "list=$list size_after=$size $result"
done
stop_node
