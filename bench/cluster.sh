#!/usr/bin/env bash
# Cluster benchmarks on this machine, all in one run so the figures compare
# (results in docs/BENCHMARKS.md, "Cluster (3 nodes)"):
#  1. failover: kill -9 the node hosting a list, time until a survivor serves the list with
#     its acknowledged entry (ROUNDS rounds; the killed node is restarted on its folder
#     between rounds);
#  2. graceful leave: SIGTERM the node hosting a list while a client reads and writes it
#     through a survivor every ~10 ms: the longest gap between answers, and the errors;
#  3. the latency of an acknowledged add_entry on 3 nodes, and the load mix
#     (bench/load-mix.lua) against all three nodes at once; then both again on a one-node
#     cluster, so that the ratios compare.
# Usage: bench/cluster.sh [quick]    (quick: 2 rounds and 3 s runs, a dry run of the script)
# Needs wrk (apt-get install wrk), python3, curl. Starts its own nodes on free loopback
# ports, with a port mapper of their own (ERL_EPMD_PORT on a free port), in a temporary
# folder, and ends them (by pid) and removes the folder before it exits. About 5 minutes.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
mode="${1:-full}"
case "$mode" in
  full) rounds=5; secs=15; warm=5; max_warm=5 ;;
  quick) rounds=2; secs=3; warm=2; max_warm=1 ;;
  *) echo "usage: bench/cluster.sh [quick]" >&2; exit 2 ;;
esac
for tool in wrk python3 curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is needed (apt-get install $tool)" >&2; exit 2; }
done

work="$(mktemp -d -t todo-bench-cluster.XXXXXX)"
declare -A pid=() port=() holder=()
extra_pids=()
started_at=$(date +%s)

cleanup() {
  rc=$?
  for n in "${!pid[@]}"; do kill -9 "${pid[$n]}" 2>/dev/null || true; done
  for p in "${extra_pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  sleep 0.2
  for n in "${!holder[@]}"; do kill -9 "${holder[$n]}" 2>/dev/null || true; done
  { wait; } 2>/dev/null || true
  if (( rc != 0 )); then
    for log in "$work"/*.log; do [[ -f "$log" ]] && { echo "--- last lines of $(basename "$log")"; tail -n 15 "$log"; }; done
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
client() { python3 "$here/cluster_bench.py" "$@"; }
epmd_port="$(free_port)"

# start_node SHORT_NAME HTTP_PORT [SHORT_NAME_TO_CONNECT_TO...]
start_node() {
  local name="$1" p="$2"; shift 2
  local args=(start --name "$name@127.0.0.1" --http-port "$p" --db-folder "$work/data")
  for c in "$@"; do args+=(--connect "$c@127.0.0.1"); done
  echo "## $(date -u +%T) start $name: TODO_COOKIE=bench ERL_EPMD_PORT=$epmd_port TODO_HTTP_HOST=127.0.0.1 ./todo ${args[*]}" >>"$work/$name.log"
  # A holder subshell waits for the node, so that bash reports nothing when a node is
  # killed (it would print "Killed ..." for a job of its own that dies of a signal).
  rm -f "$work/$name.pid"
  ( TODO_COOKIE=bench ERL_EPMD_PORT="$epmd_port" TODO_HTTP_HOST=127.0.0.1 "$root/todo" "${args[@]}" &
    echo $! >"$work/$name.pid"
    wait $! ) >>"$work/$name.log" 2>&1 &
  holder[$name]=$!
  until [[ -s "$work/$name.pid" ]]; do sleep 0.02; done
  pid[$name]="$(cat "$work/$name.pid")" # ./todo exec's java: this is the JVM's pid
  port[$name]=$p
}

# reap SHORT_NAME: after its node has ended, forget it.
reap() { { wait "${holder[$1]}"; } 2>/dev/null || true; unset "pid[$1]" "holder[$1]"; }

# The running nodes, as cluster_bench.py takes them: NAME=PID=HTTP_PORT.
nodes_arg() { for n in $(printf '%s\n' "${!pid[@]}" | sort); do echo "$n@127.0.0.1=${pid[$n]}=${port[$n]}"; done; }

wait_cluster() { client wait 120 $(nodes_arg); }

wait_health() { # SHORT_NAME
  for _ in $(seq 1 600); do
    curl -sf "http://127.0.0.1:${port[$1]}/health" >/dev/null 2>&1 && return 0
    kill -0 "${pid[$1]}" 2>/dev/null || { echo "bench: node $1 exited"; return 1; }
    sleep 0.2
  done
  echo "bench: node $1 did not answer /health"; return 1
}

# start_cluster SHORT_NAME...: the first node alone, then the others joining it.
start_cluster() {
  local first="$1"; shift
  start_node "$first" "$(free_port)"
  wait_health "$first"
  for n in "$@"; do start_node "$n" "$(free_port)" "$first"; done
  wait_cluster
}

stop_all() {
  for n in "${!pid[@]}"; do kill -9 "${pid[$n]}" 2>/dev/null || true; reap "$n"; done
  pid=(); port=(); holder=()
  rm -rf "$work/data"
}

rss_mb() { awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }

median_max() { python3 -c '
import statistics, sys
xs = [float(x) if x != "none" else float("inf") for x in sys.argv[1:]]
print(f"median_s={statistics.median(xs):.3f} max_s={max(xs):.3f} n={len(xs)}")' "$@"; }

# wrk_mix LABEL THREADS_PER_WRK CONNS_PER_WRK SECS NODE...: one wrk per node, in parallel,
# the load mix; prints the summed requests/s and the pooled p50/p99.
wrk_mix() {
  local label="$1" t="$2" c="$3" d="$4"; shift 4
  local i=0 wpids=() outs=() hists=()
  for n in "$@"; do
    i=$((i + 1))
    BENCH_SEED=$i BENCH_HIST="$work/hist.$i" wrk -t"$t" -c"$c" -d"${d}s" --latency -s "$here/cluster-mix.lua" \
      "http://127.0.0.1:${port[$n]}" >"$work/wrk.$i" 2>&1 &
    wpids+=($!); outs+=("$work/wrk.$i"); hists+=("$work/hist.$i")
  done
  extra_pids+=("${wpids[@]}")
  for p in "${wpids[@]}"; do wait "$p"; done
  extra_pids=()
  local per sum
  per="$(grep -h RESULT "${outs[@]}" | sed 's/^RESULT //' | paste -sd'|' - | sed 's/|/ | /g')"
  sum="$(grep -h RESULT "${outs[@]}" | python3 -c '
import sys
tot = {"requests": 0, "rps": 0.0, "errors": 0, "non2xx": 0, "timeouts": 0}
for line in sys.stdin:
    kv = dict(p.split("=") for p in line.split()[1:])
    for k in tot: tot[k] += float(kv[k])
print(" ".join("{}={:.0f}".format(k, v) for k, v in tot.items()))')"
  [[ "$label" == "-" ]] && { sed -n 's/.* rps=\([0-9]*\).*/\1/p' <<<" $sum"; return 0; }
  echo "$label RESULT $sum $(client pool "${hists[@]}")   (per wrk: $per)"
}

# wrk_add LABEL THREADS CONNS SECS NODE: acknowledged add_entry to 1,000 lists through one node.
wrk_add() {
  local result
  result="$(BENCH_SEED=9 wrk -t"$2" -c"$3" -d"$4s" --latency -s "$here/add-many-lists.lua" \
    "http://127.0.0.1:${port[$5]}" -- "acked" | grep RESULT)"
  [[ "$1" == "-" ]] && { sed -n 's/.* rps=\([0-9]*\).*/\1/p' <<<"$result"; return 0; }
  echo "$1 $result"
}

settled() { python3 -c 'import sys; a, b = map(float, sys.argv[1:]); sys.exit(0 if a > 0 and abs(b - a) / a <= 0.10 else 1)' "$1" "$2"; }

# warm_up THREADS CONNS NODE...: rounds of the load mix on every node and of add_entry through
# the first (the JIT, and the first use of each list and of each shard), until both rates
# settle (within 10% of the round before) or after max_warm rounds.
warm_up() {
  local t="$1" c="$2"; shift 2
  local prev_mix=0 prev_add=0 mix add seen=()
  for k in $(seq 1 "$max_warm"); do
    mix="$(wrk_mix - "$t" "$c" "$warm" "$@")"
    add="$(wrk_add - 2 64 "$warm" "$1")"
    seen+=("$mix/$add")
    if (( k >= 2 )) && settled "$prev_mix" "$mix" && settled "$prev_add" "$add"; then break; fi
    prev_mix=$mix; prev_add=$add
  done
  echo "warm-up, requests/s of each ${warm}s round (load mix/add_entry): ${seen[*]}"
}

echo "# command: bench/cluster.sh $* (in $root)"
echo "# date: $(date -u '+%F %T UTC'), $(nproc) cores, $(java -version 2>&1 | head -1), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# commit: $(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown); JVM flags: the launcher's (${TODO_JAVA_OPTS:-default: -XX:+UseParallelGC -Xms256m -Xmx512m})"
echo "# mode: $mode (failover rounds=$rounds; runs of ${secs}s after up to $max_warm warm-up rounds of ${warm}+${warm}s)"
"$root/todo" version >/dev/null # builds target/todo.jar now if it is stale, not during a measurement

echo "## failover: kill -9 the node hosting a fresh list, poll the list on a survivor (0.25 s per request, retried at once; beside it, one client with a 10 s time-out)"
start_cluster n1 n2 n3
times=(); patient=()
for r in $(seq 1 "$rounds"); do
  out="$(client failover 60 0.25 $(nodes_arg))"
  killed="$(sed -n 's/^killed=\([^@ ]*\)@.*/\1/p' <<<"$out")"
  reap "$killed"
  secs_taken="$(sed -n 's/.*failover_s=\([^ ]*\).*/\1/p' <<<"$out")"
  times+=("$secs_taken")
  patient+=("$(sed -n 's/.*patient_client_s=\([^ ]*\).*/\1/p' <<<"$out")")
  epoch="$(sed -n 's/.*killed_epoch=\([^ ]*\).*/\1/p' <<<"$out")"
  list="$(sed -n 's/.* list=\([^ ]*\).*/\1/p' <<<"$out")"
  survivor_logs=(); for n in "${!pid[@]}"; do survivor_logs+=("$work/$n.log"); done
  events="$(client breakdown "$epoch" "$killed@127.0.0.1" "$list" "${survivor_logs[@]}")"
  # proof: downed by todo.node.DeadNodeDowning; resolver: by the Split Brain Resolver's wait
  echo "round=$r $out downed_by=$([[ "$events" == *proven_dead* ]] && echo proof || echo resolver)"
  echo "  survivors' logs, seconds after the kill: $events"
  survivor="$(printf '%s\n' "${!pid[@]}" | sort | head -1)"
  start_node "$killed" "${port[$killed]}" "$survivor" # on its folder, joining a survivor
  wait_cluster
done
echo "failover RESULT $(median_max "${times[@]}")   (a client with a 10 s time-out: $(median_max "${patient[@]}"))"

echo "## graceful leave: SIGTERM the node hosting a fresh list; a client reads (4) and writes (1) it through a survivor every ~10 ms"
out="$(client leave 2 $(nodes_arg))"
left="$(sed -n 's/^left=\([^@ ]*\)@.*/\1/p' <<<"$out")"
reap "$left"
echo "leave RESULT $out"
epoch="$(sed -n 's/.*sigterm_epoch=\([^ ]*\).*/\1/p' <<<"$out")"
list="$(sed -n 's/.* list=\([^ ]*\).*/\1/p' <<<"$out")"
survivor_logs=(); for n in "${!pid[@]}"; do survivor_logs+=("$work/$n.log"); done
echo "  survivors' logs, seconds after SIGTERM: $(client breakdown "$epoch" "$left@127.0.0.1" "$list" "${survivor_logs[@]}")"
stop_all

echo "## 3 nodes: acknowledged add_entry through n1 to 1,000 lists (write-consistency majority), and the load mix on all three nodes at once"
start_cluster n1 n2 n3
warm_up 1 21 n1 n2 n3
wrk_add "cluster3 add_entry wrk -t1 -c4 -d${secs}s (light load)" 1 4 "$secs" n1
wrk_add "cluster3 add_entry wrk -t2 -c64 -d${secs}s (saturated)" 2 64 "$secs" n1
wrk_mix "cluster3 load-mix 3 x wrk -t1 -c21 -d${secs}s (one per node)" 1 21 "$secs" n1 n2 n3
echo "cluster3 peak_rss_mb: n1=$(rss_mb "${pid[n1]}") n2=$(rss_mb "${pid[n2]}") n3=$(rss_mb "${pid[n3]}")"
stop_all

echo "## 1 node (a one-node cluster, same flags and scripts)"
start_cluster s1
warm_up 2 64 s1
wrk_add "single add_entry wrk -t1 -c4 -d${secs}s (light load)" 1 4 "$secs" s1
wrk_add "single add_entry wrk -t2 -c64 -d${secs}s (saturated)" 2 64 "$secs" s1
wrk_mix "single load-mix wrk -t2 -c64 -d${secs}s" 2 64 "$secs" s1
echo "single peak_rss_mb: s1=$(rss_mb "${pid[s1]}")"
stop_all
echo "# done in $(( $(date +%s) - started_at )) s; load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
