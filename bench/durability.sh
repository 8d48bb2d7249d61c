#!/usr/bin/env bash
# The cost of synced commits: todo.db.synchronous = FULL (the default: every commit is
# synced before its write is acknowledged) against the NORMAL opt-out, alternating in one
# run so that the ratios compare (results in docs/BENCHMARKS.md, "Synced commits").
# The write measurements of bench/cluster.sh and bench/single-node.sh, on 3 nodes and on 1:
#  - acknowledged add_entry to 1,000 lists through n1 (bench/add-many-lists.lua), at light
#    load (wrk -t1 -c4) and saturated (wrk -t2 -c64): many lists, so commits can group;
#  - PATCH of one entry of one list (bench/patch-one-list.lua, wrk -t1 -c16): a list's server
#    writes one change at a time, so each of its writes waits for a commit of its own.
# Each node runs under strace with a seccomp filter, so only its fsync and fdatasync calls
# stop it; each run prints, per node, the syncs per acknowledged write (the cluster's
# acknowledged writes) and the writes per commit (todo_store_commit_writes_total over
# todo_store_commits_total: how much group commit groups).
# Usage: bench/durability.sh [seconds per run, default 10] [rounds, default 2]
# Needs wrk, curl, strace. Starts its own nodes on free loopback ports with a port
# mapper of their own in a temporary folder, and ends them (by pid) before it exits.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
secs="${1:-10}"
rounds="${2:-2}"
warm=5
command -v strace >/dev/null || { echo "bench: strace is needed (apt-get install strace)" >&2; exit 2; }
bench_name=durability
source "$here/nodes.sh"
jvm="${TODO_JAVA_OPTS:-$launcher_flags}"
declare -A level=()

# start_traced SHORT_NAME HTTP_PORT [SHORT_NAME_TO_CONNECT_TO...]: start_node of nodes.sh, under
# strace, with todo.db.synchronous = $sync. pid[] is the JVM's (strace's child: ./todo
# exec's java), so nodes.sh ends it by pid; strace then ends with it.
start_traced() {
  local name="$1" p="$2"; shift 2
  local args=(start --name "$name@127.0.0.1" --http-port "$p" --db-folder "$work/data")
  for c in "$@"; do args+=(--connect "$c@127.0.0.1"); done
  rm -f "$work/$name.strace.pid" "$work/$name.syncs"
  ( TODO_JAVA_OPTS="$jvm -Dtodo.db.synchronous=$sync" TODO_COOKIE=bench ERL_EPMD_PORT="$epmd_port" TODO_HTTP_HOST=127.0.0.1 \
      strace --seccomp-bpf -f -qq -e signal=none -e trace=fsync,fdatasync -o "$work/$name.syncs" "$root/todo" "${args[@]}" &
    echo $! >"$work/$name.strace.pid"
    wait $! ) >>"$work/$name.log" 2>&1 &
  holder[$name]=$!
  until [[ -s "$work/$name.strace.pid" ]]; do sleep 0.02; done
  local tracer child=""
  tracer="$(cat "$work/$name.strace.pid")"
  until [[ -n "$child" ]]; do child="$(pgrep -P "$tracer" || true)"; sleep 0.02; done
  pid[$name]=$child
  port[$name]=$p
  level[$name]=$sync
}

start_traced_cluster() { start_cluster_with start_traced "$@"; } # the first alone, then the others joining it

# counts SHORT_NAME: "syncs commits writes acknowledged" of that node so far.
counts() {
  local syncs metrics
  syncs="$(grep -cE '(^|[[:space:]])(fsync|fdatasync)\(' "$work/$1.syncs" || true)"
  metrics="$(curl -sf "http://127.0.0.1:${port[$1]}/metrics")"
  echo "$syncs $(metric todo_store_commits_total) $(metric todo_store_commit_writes_total) $(metric todo_changes_acknowledged_total)"
}
metric() { awk -v m="$1" '$1 == m {printf "%.0f", $2; found=1} END {if (!found) printf "0"}' <<<"$metrics"; }

# per_node BEFORE_LINES... -- AFTER_LINES...: each line "NODE syncs commits writes acknowledged"
# (counts); prints the cluster's acknowledged writes, then per node its syncs per acknowledged
# write and its writes per commit between the two.
per_node() {
  printf '%s\n' "$@" | awk '
    $0 == "--" { after = 1; next }
    !after { order[++n] = $1; for (i = 2; i <= 5; i++) b[$1, i] = $i; next }
    { for (i = 2; i <= 5; i++) d[$1, i] = $i - b[$1, i]; acked += d[$1, 5] }
    END {
      printf "acked=%d ", acked
      for (k = 1; k <= n; k++) {
        m = order[k]; s = d[m, 2]; c = d[m, 3]; w = d[m, 4]
        printf "%s %s: syncs_per_ack=%s writes_per_commit=%s (syncs=%d commits=%d)", (k > 1 ? " |" : ""), m,
          (acked ? sprintf("%.3f", s / acked) : "n/a"), (c ? sprintf("%.2f", w / c) : "n/a"), s, c
      }
      print ""
    }'
}

# measure LABEL WRK_ARGS...: one wrk run against n1 (or s1), with the syncs and commits of every node around it.
measure() {
  local label="$1"; shift
  local nodes before=() after=() result
  nodes="$(printf '%s\n' "${!pid[@]}" | sort)"
  for n in $nodes; do before+=("$n $(counts "$n")"); done
  result="$(wrk --latency "$@" | grep RESULT)"
  sleep 2 # writes still in flight when wrk stops (their commits, their syncs) end before the counts are read
  for n in $nodes; do after+=("$n $(counts "$n")"); done
  echo "$label $result $(per_node "${before[@]}" -- "${after[@]}")"
}

# run_writes SYNC SHORT_NAME...: a cluster of these nodes at that level; warm-up, then the write runs.
run_writes() {
  sync="$1"; shift
  local tag="cluster$#" first="$1" p k rate seen=()
  start_traced_cluster "$@"
  p="${port[$first]}"
  for k in 1 2 3; do # warm-up: until add_entry's rate settles (within 10% of the round before), 3 rounds at most
    rate="$(BENCH_SEED=9 wrk -t2 -c64 -d${warm}s -s "$here/add-many-lists.lua" "http://127.0.0.1:$p" -- acked | grep RESULT | sed -n 's/.* rps=\([0-9]*\).*/\1/p')"
    seen+=("$rate")
    if (( k >= 2 )) && settled "${seen[-2]}" "$rate"; then break; fi
  done
  for k in $(seq 1 10); do # entry 1 of list "one", for patch-one-list (a 503 is possible while the cluster warms up)
    curl -sf -d '' "http://127.0.0.1:$p/add_entry?list=one&date=2018-12-19&title=e1" >/dev/null && break
    (( k < 10 )) || { echo "bench: could not create list one"; exit 1; }
  done
  echo "sync=$sync $tag warm-up add_entry requests/s of each ${warm}s round: ${seen[*]}"
  measure "sync=$sync $tag add_entry -t1 -c4 -d${secs}s (light)" -t1 -c4 -d"${secs}s" -s "$here/add-many-lists.lua" "http://127.0.0.1:$p" -- acked
  measure "sync=$sync $tag add_entry -t2 -c64 -d${secs}s (saturated)" -t2 -c64 -d"${secs}s" -s "$here/add-many-lists.lua" "http://127.0.0.1:$p" -- acked
  measure "sync=$sync $tag patch-one-list -t1 -c16 -d${secs}s" -t1 -c16 -d"${secs}s" -s "$here/patch-one-list.lua" "http://127.0.0.1:$p" -- one
  stop_all
}

bench_header "$@"
echo "# runs of ${secs}s after up to 3 warm-up rounds of ${warm}s; $rounds rounds, FULL and NORMAL alternating (the order flips each round)"
for r in $(seq 1 "$rounds"); do
  order=(FULL NORMAL)
  if (( r % 2 == 0 )); then order=(NORMAL FULL); fi
  echo "## round $r: 3 nodes, then 1 node; $(date -u +%T), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  for s in "${order[@]}"; do run_writes "$s" n1 n2 n3; done
  for s in "${order[@]}"; do run_writes "$s" s1; done
done
echo "# done in $(( $(date +%s) - started_at )) s; load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
