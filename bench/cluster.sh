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
bench_name=cluster
source "$here/nodes.sh"

median_max() { python3 -c '
import statistics, sys
xs = [float(x) if x != "none" else float("inf") for x in sys.argv[1:]]
print(f"median_s={statistics.median(xs):.3f} max_s={max(xs):.3f} n={len(xs)}")' "$@"; }

# wrk_add LABEL THREADS CONNS SECS NODE: acknowledged add_entry to 1,000 lists through one node.
wrk_add() {
  local result
  result="$(BENCH_SEED=9 wrk -t"$2" -c"$3" -d"$4s" --latency -s "$here/add-many-lists.lua" \
    "http://127.0.0.1:${port[$5]}" -- "acked" | grep RESULT)"
  [[ "$1" == "-" ]] && { sed -n 's/.* rps=\([0-9]*\).*/\1/p' <<<"$result"; return 0; }
  echo "$1 $result"
}

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

bench_header "$@"
echo "# mode: $mode (failover rounds=$rounds; runs of ${secs}s after up to $max_warm warm-up rounds of ${warm}+${warm}s)"

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
