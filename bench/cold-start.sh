#!/usr/bin/env bash
# The first seconds of a new 3-node cluster (issue 11, part 4; docs/BENCHMARKS.md, "Issue 11,
# part 4: a cold cluster"): starts 3 nodes on fresh folders through `todo launch`, and as soon
# as they form (each lists the other two as members that are up) runs the book mix
# (bench/cluster-mix.lua: 1,000 lists, 4 reads : 1 write) through one node for SECS seconds:
# the first seconds, every list's server new. Then SECS seconds more of the same: the steady
# rate. Prints both RESULT lines (errors: non-2xx answers, wrk's 2 s time-outs, socket errors),
# the ratio first/steady, and how many list servers started in each window. BENCH_KEEP_LOGS=DIR
# keeps the nodes' logs of each round there.
# Usage: bench/cold-start.sh [--quick] [--rounds N]   (--quick: 5 s windows; N: fresh clusters
# in a row, default 1). TODO=/path/to/other/checkout/todo measures another build with the
# same script (before and after, alternating).
# Needs wrk and curl. Loopback only, a port mapper of its own on a free port, a temporary
# folder; every process it starts is ended by pid.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
source "$here/lib.sh"
todo="${TODO:-$root/todo}"
secs=15
rounds=1
while (( $# )); do
  case "$1" in
    --quick) secs=5 ;;
    --rounds) rounds="$2"; shift ;;
    *) echo "usage: bench/cold-start.sh [--quick] [--rounds N]" >&2; exit 2 ;;
  esac
  shift
done
threads=2 conns=28 # the issue's shape: wrk -t2 -c28 through one node
for tool in wrk curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is needed (apt-get install $tool)" >&2; exit 2; }
done

bench_workspace cold

# launch NODE=PORT... [-- CONNECT]: `todo launch`, which returns once each node serves /health.
launch() {
  local args=(launch --db-folder "$work/data" --log-folder "$work") out
  [[ -n "${connect:-}" ]] && args+=(--connect "$connect")
  out="$(TODO_COOKIE=bench ERL_EPMD_PORT="$epmd_port" "$todo" "${args[@]}" "$@")" || { echo "bench: todo launch failed"; return 1; }
  while read -r _ p _; do bench_pids+=("$p"); done <<<"$out"
}

# formed PORT: the node lists the two others as members that are up.
formed() {
  local view
  view="$(curl -sf --max-time 1 "http://127.0.0.1:$1/api/cluster")" || return 1
  view="$(sed 's/"replicaSet":{[^}]*}//; s/"http":{[^}]*}//' <<<"$view" | sed -n 's/.*"nodes":\[\([^]]*\)\].*/\1/p')"
  [[ "$(grep -o '@' <<<"$view" | wc -l)" == 2 ]]
}

# all_in PORT: the node's replica set holds all three nodes.
all_in() {
  local view
  view="$(curl -sf --max-time 1 "http://127.0.0.1:$1/api/cluster")" || return 1
  [[ "$(sed -n 's/.*"replicaSet":{\([^}]*\)}.*/\1/p' <<<"$view" | grep -o '@' | wc -l)" == 3 ]]
}

# mix LABEL: the book mix through n1 for SECS seconds; prints its RESULT line.
mix() {
  BENCH_SEED="$RANDOM" wrk -t"$threads" -c"$conns" -d"${secs}s" -s "$here/cluster-mix.lua" "http://127.0.0.1:$p1" \
    | sed -n "s/^RESULT/$1 RESULT/p"
}

# servers_started: list servers started so far on the three nodes (their log lines).
servers_started() { cat "$work"/n*.log | grep -c "Starting to-do server" || true; }

rps() { sed -n 's/.* rps=\([0-9]*\).*/\1/p' <<<"$1"; }

echo "# command: ${TODO:+TODO=$TODO }bench/cold-start.sh $* (windows of ${secs}s, wrk -t$threads -c$conns through n1)"
echo "# date: $(date -u '+%F %T UTC'), $(nproc) cores, $(java -version 2>&1 | head -1), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# commit: $(git -C "$(dirname "$todo")" describe --always --dirty 2>/dev/null || echo unknown); JVM flags: ${TODO_JAVA_OPTS:-the launcher defaults}"
"$todo" version >/dev/null # builds the jar now if it is stale, not during a measurement

ratios=() errors=0
for round in $(seq 1 "$rounds"); do
  rm -rf "$work/data" "$work"/*.log "$work/all-in"
  epmd_port="$(free_port)" p1="$(free_port)" p2="$(free_port)" p3="$(free_port)"
  began=$(date +%s%N)
  connect="" launch "n1@127.0.0.1=$p1"
  connect="n1@127.0.0.1" launch "n2@127.0.0.1=$p2" "n3@127.0.0.1=$p3"
  for _ in $(seq 1 600); do formed "$p1" && formed "$p2" && formed "$p3" && break; sleep 0.1; done
  formed "$p1" && formed "$p2" && formed "$p3" || { echo "bench: the cluster did not form in 60 s"; exit 1; }
  formed_at=$(date +%s%N)
  # when every node's replica set holds all three, in the background (the load starts now)
  ( until all_in "$p1" && all_in "$p2" && all_in "$p3"; do sleep 0.1; done; date +%s%N >"$work/all-in" ) &
  watcher=$!
  first="$(mix first)"
  started_first="$(servers_started)"
  steady="$(mix steady)"
  kill "$watcher" 2>/dev/null || true
  echo "## round $round: formed $(( (formed_at - began) / 1000000 )) ms after the first launch; every replica set" \
    "held the three $( [[ -f "$work/all-in" ]] && echo "$(( ($(cat "$work/all-in") - formed_at) / 1000000 )) ms later" || echo "not yet")"
  echo "$first list_servers_started=$started_first"
  echo "$steady list_servers_started=$(( $(servers_started) - started_first ))"
  echo "ratio first/steady: $(awk -v a="$(rps "$first")" -v b="$(rps "$steady")" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
  if [[ -n "${BENCH_KEEP_LOGS:-}" ]]; then mkdir -p "$BENCH_KEEP_LOGS/$round" && cp "$work"/*.log "$BENCH_KEEP_LOGS/$round/"; fi
  for p in "${bench_pids[@]}"; do end_pid "$p"; done
  bench_pids=()
  ratios+=("$(ratio "$(rps "$first")" "$(rps "$steady")")")
  errors=$(( errors + $(sed -n 's/.* errors=\([0-9]*\).*/\1/p' <<<"$first") ))
done
# bench/run's figures: means over the rounds, errors in all first windows
result cold.first15s_to_steady "$(printf '%s\n' "${ratios[@]}" | awk '{ s += $1 } END { printf "%.2f", s / NR }')" ratio \
  "first ${secs} s over the next ${secs} s, mean of $rounds round(s): ${ratios[*]}"
result cold.errors "$errors" count "non-2xx, time-outs and socket errors in the first ${secs} s of $rounds round(s)"
