#!/usr/bin/env bash
# Catch-up benchmark (issue 4; results in docs/BENCHMARKS.md, "Catch-up"), in one run:
#  1. starts n1, n2, n3 and waits for the cluster; SIGKILLs n3;
#  2. writes LISTS x PER_LIST acknowledged changes (POST /add_entry, only 2xx answers
#     count, anything else is sent again) through n1 and n2 to the lists catchup1..LISTS;
#  3. runs live traffic against n1 and n2 (the load mix, bench/cluster-mix.lua, on its own
#     lists list1..list1000) in back-to-back wrk slices: warm-up slices until the rate
#     settles, then the baseline;
#  4. restarts n3 on its folder while the live traffic goes on, and measures the time from
#     its start command until it answers /health, until its log says "Caught up from", and
#     until its SQLite file holds the same position (version and epoch) as n1's for every
#     one of the LISTS lists; then the live traffic's requests/s and p99 during the
#     catch-up, against the baseline before it and the same traffic after it.
# Usage: bench/catch-up.sh [quick]   (quick: 100 lists x 100 changes, 3 s slices: a dry run)
# TODO_JAVA_OPTS (e.g. '-XX:+UseParallelGC -Xms256m -Xmx512m -Dtodo.catch-up.parallelism=4')
# reaches every node; it replaces the launcher's JVM flags, so include them.
# BENCH_PEER_JAVA_OPTS, when set, replaces it for n1 and n2 only (the peers n3 catches up
# from), e.g. '-XX:+UseParallelGC -Xms256m -Xmx512m -Dtodo.catch-up.enabled=off' to keep
# n1 from asking n2's replica before n2 has one (docs/BENCHMARKS.md, "Catch-up").
# Needs wrk, python3, curl. Starts its own nodes on free loopback ports, with a port mapper
# of their own (ERL_EPMD_PORT on a free port), in a temporary folder, and ends them (by
# pid) and removes the folder before it exits. Full mode: about 6 to 10 minutes.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
mode="${1:-full}"
case "$mode" in
  # slice: seconds per wrk slice of live traffic; base: baseline slices (and slices after)
  full) lists=1000; per_list=100; slice=5; base=6; max_warm=5; max_catch_up=900 ;;
  quick) lists=100; per_list=100; slice=3; base=2; max_warm=1; max_catch_up=300 ;;
  *) echo "usage: bench/catch-up.sh [quick]" >&2; exit 2 ;;
esac
writers=32    # connections of the writer (half to n1, half to n2)
live_conns=32 # wrk connections per node of the live traffic (-t1), 64 in all
bench_name=catch-up
source "$here/nodes.sh"
cu() { python3 "$here/catch_up_bench.py" "$@"; }
db() { echo "$work/data/$1/todo.db"; }
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$1/stat"; }
now() { date +%s.%N; }

# The live traffic: wrk slices of $slice s against n1 and n2, back to back, until
# $work/live/stop exists; $work/live/index gets "N START END" per slice, and each wrk's
# output and histogram stay in $work/live/sN.*
live_loop() {
  local k=0 s
  while [[ ! -e "$work/live/stop" ]]; do
    k=$((k + 1)); s="$(now)"
    BENCH_OUT="$work/live/s$k" wrk_mix = 1 "$live_conns" "$slice" n1 n2
    echo "$k $s $(now)" >>"$work/live/index"
  done
}
slice_rps() { cat "$work/live/s$1".*.out | sed -n 's/^RESULT .* rps=\([0-9]*\) .*/\1/p' | paste -sd+ - | bc; } # N
slices_done() { [[ -f "$work/live/index" ]] && wc -l <"$work/live/index" || echo 0; }
wait_slices() { # N
  until (( $(slices_done) >= $1 )); do
    kill -0 "$live_pid" 2>/dev/null || { echo "bench: the live traffic stopped (see $work/live)" >&2; return 1; }
    sleep 0.05
  done
}
slice_field() { awk -v k="$1" -v f="$2" '$1 == k { print $f }' "$work/live/index"; } # N FIELD

bench_header "$@"
echo "# mode: $mode ($lists lists x $per_list changes; live traffic: the load mix, wrk -t1 -c$live_conns on n1 and on n2, in ${slice}s slices; baseline and after: $base slices each)"

echo "## 3 nodes; n3 is killed (SIGKILL) and misses $((lists * per_list)) changes"
if [[ -n "${BENCH_PEER_JAVA_OPTS:-}" ]]; then
  echo "# n1 and n2 run with BENCH_PEER_JAVA_OPTS='$BENCH_PEER_JAVA_OPTS'; n3 with the flags above"
  TODO_JAVA_OPTS="$BENCH_PEER_JAVA_OPTS" start_node n1 "$(free_port)"
  wait_health n1
  TODO_JAVA_OPTS="$BENCH_PEER_JAVA_OPTS" start_node n2 "$(free_port)" n1
  start_node n3 "$(free_port)" n1
  wait_cluster
else
  start_cluster n1 n2 n3
fi
kill_node n3
wait_cluster # n1 and n2 see only each other: n3 was downed
echo "$(date -u +%T) n3 killed and removed"

echo "## writes: $lists lists x $per_list acknowledged POST /add_entry, round robin over the lists, $writers connections over n1 and n2"
written="$(cu write catchup "$lists" "$per_list" "$writers" "${port[n1]}" "${port[n2]}")"
echo "write RESULT $written"
echo "versions on n1: $(cu versions "$(db n1)" catchup "$lists")"
echo "versions on n2: $(cu versions "$(db n2)" catchup "$lists")"
echo "versions on n3 (its folder, before its restart): $(cu versions "$(db n3)" catchup "$lists")"

echo "## live traffic on n1 and n2: warm-up slices until two in a row are within 10%, then $base baseline slices"
mkdir -p "$work/live"
live_loop &
extra_pids+=("$!"); live_pid=$!
warm=0 prev=0 seen=()
for k in $(seq 1 "$max_warm"); do
  wait_slices "$k"
  cur="$(slice_rps "$k")"; seen+=("$cur"); warm=$k
  if (( k >= 2 )) && settled "$prev" "$cur"; then break; fi
  prev=$cur
done
echo "warm-up, requests/s of each ${slice}s slice: ${seen[*]}"
base_from="$(slice_field "$warm" 3)"
wait_slices $((warm + base))
base_to="$(slice_field $((warm + base)) 3)"

echo "## restart n3 on its folder (--connect n1) while the live traffic goes on"
cpu0="n1=$(cpu_s "${pid[n1]}") n2=$(cpu_s "${pid[n2]}")"
start_node n3 "${port[n3]}" n1
t0="$(now)" # n3's JVM runs from here: the launcher's own start-up is not part of the catch-up
set +e
out="$(cu converge "$t0" "$max_catch_up" "${port[n3]}" "$work/n3.log" "$(db n1)" "$(db n3)" catchup "$lists")"
converged=$?
set -e
t_end="$(now)"
cpu1="n1=$(cpu_s "${pid[n1]}") n2=$(cpu_s "${pid[n2]}") n3=$(cpu_s "${pid[n3]}")"
echo "catch-up RESULT $out"
healthy_s="$(sed -n '1s/.*healthy_s=\([^ ]*\).*/\1/p' <<<"$out")"
echo "  CPU seconds used (n1, n2 before and after; n3 since its start): $cpu0 -> $cpu1, over $(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$t0" "$t_end") s"
echo "  n3 /metrics: $(curl -s "http://127.0.0.1:${port[n3]}/metrics" | grep -E '^todo_catchup' | tr '\n' ' ')"
echo "  from the logs, seconds after n3's start command, until the catch-up was done:"
for n in n3 n1 n2; do
  cu logscan "$t0" "$t_end" "$work/$n.log"
done

k_end=$(slices_done)
wait_slices $((k_end + base + 1)) # the slice under way, then $base whole slices after the catch-up
touch "$work/live/stop"
wait "$live_pid" 2>/dev/null || true
echo "## live traffic (load mix, 64 connections over n1 and n2), requests/s and latency"
echo "live before RESULT $(cu window "$base_from" "$base_to" "$work/live")"
echo "live during RESULT $(cu window "$t0" "$t_end" "$work/live")   (from n3's start command to identical versions and the \"Caught up\" line)"
[[ "$healthy_s" != none ]] && echo "live during_after_healthy RESULT $(cu window "$(python3 -c "import sys; print(float(sys.argv[1]) + float(sys.argv[2]))" "$t0" "$healthy_s")" "$t_end" "$work/live")"
echo "live after RESULT $(cu window "$t_end" "$(now)" "$work/live")   (3 nodes, n3 caught up)"
echo "## n3's catch-up lines until the end of the run (the anti-entropy pass repeats every todo.catch-up.interval)"
cu logscan "$t0" "$(now)" "$work/n3.log" | grep -v 'warnings/errors' || true
echo "peak_rss_mb: n1=$(rss_mb "${pid[n1]}") n2=$(rss_mb "${pid[n2]}") n3=$(rss_mb "${pid[n3]}")"
echo "# done in $(( $(date +%s) - started_at )) s; load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $(( converged == 0 ? 0 : 1 ))
