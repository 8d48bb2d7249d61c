#!/usr/bin/env bash
# Cluster benchmarks on this machine, all in one run so the figures compare
# (results in docs/BENCHMARKS.md, "Cluster (3 nodes)"):
#  1. failover: kill -9 the node hosting a list, time until a survivor serves the list with
#     its acknowledged entry (ROUNDS rounds; the killed node is restarted on its folder
#     between rounds);
#  2. graceful leave: SIGTERM the node hosting a list while a client reads and writes it
#     through a survivor every ~10 ms: the longest gap between answers, and the errors;
#  3. the latency of an acknowledged add_entry on 3 nodes, and the book mix
#     (bench/load-mix.lua, 28 connections) through one node (one entry point), then, on a
#     fresh cluster, through all three at once (a load balancer in front); then both again on
#     a one-node cluster, so that the ratios compare. Each on a warm cluster: every list asked
#     for once and rounds of load until a round starts no list server (the cold cluster is
#     bench/cold-start.sh's), through the nodes the measurement goes through, since a list's
#     server runs on the node its first request came through.
# Usage: bench/cluster.sh [--quick] [--mix-only]   (quick: 2 rounds and 3 s runs, a dry run of
# the script; --mix-only: part 3 alone). TODO=/other/checkout/todo measures another build.
# Environment: BENCH_CLUSTER_PHASES="failover leave load" (the default: all three; name fewer
# to run only those, e.g. "failover" to measure a failover change; --mix-only is "load"),
# BENCH_FAILOVER_ROUNDS=N (instead of 5, or 2 with --quick), BENCH_KEEP_LOGS=DIR (the nodes'
# logs of the failover phase are copied there, for a timeline of each round).
# Prints, for bench/run: RESULT failover.median_s, leave.longest_gap_ms,
# cluster3.mix_one_node_ratio and cluster3.mix_all_nodes_ratio.
# Needs wrk (apt-get install wrk) and curl. Starts its own nodes on free loopback
# ports, with a port mapper of their own (ERL_EPMD_PORT on a free port), in a temporary
# folder, and ends them (by pid) and removes the folder before it exits. About 5 minutes.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
mode=full; rounds=5; secs=15; warm=5; max_warm=8; phases="failover leave load"
for arg in "$@"; do
  case "$arg" in
    --quick|quick) mode=quick; rounds=2; secs=3; warm=2; max_warm=2 ;;
    --mix-only) phases=load ;;
    *) echo "usage: bench/cluster.sh [--quick] [--mix-only]" >&2; exit 2 ;;
  esac
done
rounds="${BENCH_FAILOVER_ROUNDS:-$rounds}"
phases=" ${BENCH_CLUSTER_PHASES:-$phases} "
phase() { [[ "$phases" == *" $1 "* ]]; } # PHASE: whether this run measures it
bench_name=cluster
source "$here/nodes.sh"

# median_max SECONDS...: their median and maximum ("none", a failover that never ended, counts as endless).
median_max() {
  printf '%s\n' "$@" | sed 's/^none$/inf/' | sort -g | awk '{ x[NR] = $1 }
    END { m = (NR % 2) ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2; printf "median_s=%.3f max_s=%.3f n=%d\n", m, x[NR], NR }'
}

now_ns() { date +%s%N; }
secs_since() { awk -v a="$1" -v b="$(now_ns)" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; } # START_NS

# http CLIENT_TIMEOUT_S METHOD PATH SHORT_NAME: the status (000: no answer in time) and, in $work/body, the body.
http() { curl -s -m "$1" -X "$2" -o "$work/body" -w '%{http_code}' "http://127.0.0.1:${port[$4]}$3" 2>/dev/null || true; }

# host_of SHORT_NAME LIST: the short name of the node that serves LIST (asked through SHORT_NAME).
host_of() {
  [[ "$(http 5 GET "/api/lists/$2" "$1")" == 200 ]] || { echo "bench: GET /api/lists/$2 failed: $(cat "$work/body")" >&2; return 1; }
  sed -n 's/.*"node" *: *"\([^"@]*\)@.*/\1/p' "$work/body"
}

# prepare KIND: a fresh list with one acknowledged entry; sets list, title, host (its node),
# writer (the node it was written through, not the host) and reader (neither).
prepare() {
  local names=($(nodes_up)) n
  list="$1-$(head -c5 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  host="$(host_of "${names[0]}" "$list")" # starts its server somewhere
  for n in "${names[@]}"; do [[ "$n" != "$host" ]] && { writer=$n; break; }; done
  title="written-through-$writer"
  [[ "$(http 5 POST "/add_entry?list=$list&date=2018-12-19&title=$title" "$writer")" == 200 ]] \
    || { echo "bench: add_entry through $writer failed: $(cat "$work/body")" >&2; return 1; }
  host="$(host_of "$writer" "$list")" # still there? (a rebalance could have moved it)
  if [[ "$writer" == "$host" ]]; then for n in "${names[@]}"; do [[ "$n" != "$host" ]] && { writer=$n; break; }; done; fi
  for n in "${names[@]}"; do [[ "$n" != "$host" && "$n" != "$writer" ]] && { reader=$n; break; }; done
}

# failover MAX_S CLIENT_TIMEOUT_S: kill -9 a fresh list's host, poll the list through the
# reader until its entry comes back; beside it, a client with a 10 s time-out. Sets host, list, out.
failover() {
  local max="$1" timeout="$2" path t0 status timeouts=0 others=0 elapsed patient_pid patient
  prepare failover
  path="/api/lists/$list/entries"
  rm -f "$work/patient"
  killed_at="$(date +%H:%M:%S.%N)"
  t0="$(now_ns)"
  kill -9 "${pid[$host]}"
  ( while (( $(now_ns) - t0 < max * 1000000000 )); do
      [[ "$(curl -s -m 10 "http://127.0.0.1:${port[$reader]}$path" 2>/dev/null)" == *"$title"* ]] && { secs_since "$t0" >"$work/patient"; exit 0; }
      sleep 0.05
    done ) &
  patient_pid=$!
  extra_pids+=("$patient_pid")
  while :; do
    status="$(http "$timeout" GET "$path" "$reader")"
    elapsed="$(secs_since "$t0")"
    [[ "$status" == 200 ]] && grep -qF "$title" "$work/body" && break
    if [[ "$status" == 000 ]]; then timeouts=$((timeouts + 1)); else others=$((others + 1)); sleep 0.01; fi
    awk -v e="$elapsed" -v m="$max" 'BEGIN { exit !(e > m) }' && { elapsed=none; break; }
  done
  { wait "$patient_pid"; } 2>/dev/null || true
  patient="$(cat "$work/patient" 2>/dev/null || echo none)"
  out="killed=$host list=$list written_through=$writer read_through=$reader failover_s=$elapsed timed_out_requests=$timeouts other_answers=$others patient_client_s=$patient new_host=$([[ "$elapsed" != none ]] && host_of "$reader" "$list" || echo none)"
}

# breakdown NODE LIST: seconds from $killed_at (HH:MM:SS.N, local time, as the logs') to when
# the survivors' logs first said NODE was proven dead, unreachable, removed or left, and LIST's server started.
breakdown() {
  local logs=() n
  for n in $(nodes_up); do logs+=("$work/$n.log"); done
  awk -v at="$killed_at" -v node="$1@127.0.0.1" -v list="$2" '
    function secs(t,  f) { split(t, f, ":"); return f[1] * 3600 + f[2] * 60 + f[3] }
    BEGIN { k = secs(at); n = split("proven_dead unreachable removed left server_started", key, " ")
      text["proven_dead"] = "Node " node " is dead"; text["unreachable"] = "Node " node " is unreachable"
      text["removed"] = "Node " node " was removed"; text["left"] = "Node " node " left the cluster"
      text["server_started"] = "Starting to-do server for " list "." }
    /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]/ { t = secs(substr($0, 1, 12))
      for (i = 1; i <= n; i++) if (index($0, text[key[i]]) && t >= k - 0.01 && (!(key[i] in first) || t < first[key[i]])) first[key[i]] = t }
    END { for (i = 1; i <= n; i++) if (key[i] in first) printf "%s_at_s=%.2f ", key[i], first[key[i]] - k; print "" }' "${logs[@]}"
}

# leave AFTER_S: SIGTERM a fresh list's host while a client reads (4) and writes (1) it through
# the reader every ~10 ms (2 s time-out), until AFTER_S after the host exited. Sets host, list, out.
leave() {
  local after="$1" k=0 status t0 term=0 exited=0 oks="$work/leave-ok" bad=0 p
  prepare leave
  p="${pid[$host]}"
  : >"$oks"
  t0="$(now_ns)"
  while :; do
    if (( !term && $(now_ns) - t0 >= 1000000000 )); then killed_at="$(date +%H:%M:%S.%N)"; t0="$(now_ns)"; kill -TERM "$p"; term=1; fi
    if (( term && !exited )) && { [[ ! -e "/proc/$p" ]] || grep -q '^State:[[:space:]]*Z' "/proc/$p/status" 2>/dev/null; }; then exited="$(now_ns)"; fi
    (( exited && $(now_ns) - exited > after * 1000000000 )) && break
    (( term && $(now_ns) - t0 > 60000000000 )) && break
    k=$((k + 1))
    if (( k % 5 == 0 )); then status="$(http 2 POST "/add_entry?list=$list&date=2018-12-19&title=leave-$k" "$reader")"
    else status="$(http 2 GET "/api/lists/$list/entries" "$reader")"; fi
    if [[ "$status" == 200 ]]; then now_ns >>"$oks"; else bad=$((bad + 1)); echo "bench: $status $(head -c 200 "$work/body")" >&2; fi
    sleep 0.01
  done
  out="left=$host list=$list read_through=$reader requests=$k ok=$(wc -l <"$oks") non_200=$bad $(awk 'NR > 1 { print ($1 - prev) / 1e6 } { prev = $1 }' "$oks" |
    sort -g | awk '{ g[NR] = $1 } END { printf "longest_gap_ms=%.0f usual_gap_ms=%.0f", g[NR], g[int((NR + 1) / 2)] }') sigterm_to_exit_s=$( (( exited )) && awk -v a="$t0" -v b="$exited" 'BEGIN { printf "%.2f", (b - a) / 1e9 }' || echo still-running) new_host=$(host_of "$reader" "$list")"
}

# wrk_add LABEL THREADS CONNS SECS NODE: acknowledged add_entry to 1,000 lists through one node.
wrk_add() {
  local result
  result="$(BENCH_SEED=9 wrk -t"$2" -c"$3" -d"$4s" --latency -s "$here/add-many-lists.lua" \
    "http://127.0.0.1:${port[$5]}" -- "acked" | grep RESULT)"
  [[ "$1" == "-" ]] && { sed -n 's/.* rps=\([0-9]*\).*/\1/p' <<<"$result"; return 0; }
  echo "$1 $result"
}

# started_on NODE: list servers started on NODE so far (its log's lines, since its first start).
started_on() { grep -c "Starting to-do server" "$work/$1.log" || true; }

# started_in NODE...: list servers started on those nodes so far.
started_in() { local n c=0; for n in "$@"; do c=$(( c + $(started_on "$n") )); done; echo "$c"; }

# warm_up THREADS CONNS NODE...: a warm cluster (the JIT, and a server for each list the
# measurements use). Every such list (list1..list1000 of bench/load-mix.lua, acked1..acked1000
# of bench/add-many-lists.lua) is asked for once through each NODE at once (curl, its URL
# globbing; the first node to ask gets the list's server), then rounds of the
# load mix through every NODE and of add_entry through the first, until a round starts no list
# server and both rates settle (within 10% of the round before), or after max_warm rounds.
# Sets warm_note: whether it got there.
warm_up() {
  local t="$1" c="$2"; shift 2
  local prev_mix=0 prev_add=0 mix add before started=-1 seen=() n p touch=() t0=$SECONDS saved=("${extra_pids[@]}")
  rm -f "$work"/touch.*
  for n in "$@"; do
    curl -s --parallel --parallel-max "$c" -m 60 -o /dev/null -w '%{http_code}\n' \
      "http://127.0.0.1:${port[$n]}/entries?list={list,acked}[1-1000]&date=2018-12-01" >"$work/touch.$n" 2>/dev/null &
    touch+=($!)
  done
  extra_pids+=("${touch[@]}")
  for p in "${touch[@]}"; do wait "$p" || true; done
  extra_pids=("${saved[@]}")
  local touched="$((SECONDS - t0))s, $(cat "$work"/touch.* | grep -c '^200$' || true) answers 200"
  for k in $(seq 1 "$max_warm"); do
    before="$(started_in $(nodes_up))"
    mix="$(wrk_mix - "$t" "$c" "$warm" "$@")"
    add="$(wrk_add - 2 64 "$warm" "$1")"
    started=$(( $(started_in $(nodes_up)) - before ))
    seen+=("$mix/$add/$started")
    if (( k >= 2 && started == 0 )) && settled "$prev_mix" "$mix" && settled "$prev_add" "$add"; then break; fi
    prev_mix=$mix; prev_add=$add
  done
  if (( started == 0 )); then warm_note="warm: its last warm-up round started no list server"
  else warm_note="NOT warm: its last warm-up round started $started list servers"; fi
  echo "warm-up through $*: every list asked for once (${touched}), then requests/s of each ${warm}s round (load mix/add_entry/list servers started): ${seen[*]}; $warm_note"
}

# placement NODE...: how many list servers each node started since the numbers in base[].
placement() { local n; for n in "$@"; do printf '%s=%s ' "$n" $(( $(started_on "$n") - ${base[$n]:-0} )); done; }

bench_header "$@"
echo "# mode: $mode (phases:$phases; failover rounds=$rounds; runs of ${secs}s after up to $max_warm warm-up rounds of ${warm}+${warm}s)"

if phase failover || phase leave; then start_cluster n1 n2 n3; fi
if phase failover; then
  echo "## failover: kill -9 the node hosting a fresh list, poll the list on a survivor (0.25 s per request, retried at once; beside it, one client with a 10 s time-out)"
  times=(); patient=()
  for r in $(seq 1 "$rounds"); do
    failover 60 0.25
    reap "$host"
    times+=("$(sed -n 's/.*failover_s=\([^ ]*\).*/\1/p' <<<"$out")")
    patient+=("$(sed -n 's/.*patient_client_s=\([^ ]*\).*/\1/p' <<<"$out")")
    events="$(breakdown "$host" "$list")"
    # proof: downed by todo.node.DeadNodeDowning; resolver: by the Split Brain Resolver's wait
    echo "round=$r $out downed_by=$([[ "$events" == *proven_dead* ]] && echo proof || echo resolver)"
    echo "  survivors' logs, seconds after the kill: $events"
    start_node "$host" "${port[$host]}" "$(nodes_up | head -1)" # on its folder, joining a survivor
    wait_cluster
  done
  failover_figures="$(median_max "${times[@]}")"
  echo "failover RESULT $failover_figures   (a client with a 10 s time-out: $(median_max "${patient[@]}"))"
  if [[ -n "${BENCH_KEEP_LOGS:-}" ]]; then mkdir -p "$BENCH_KEEP_LOGS" && cp "$work"/*.log "$BENCH_KEEP_LOGS"/ && echo "# logs kept in $BENCH_KEEP_LOGS"; fi
fi

if phase leave; then
  echo "## graceful leave: SIGTERM the node hosting a fresh list; a client reads (4) and writes (1) it through a survivor every ~10 ms"
  leave 2
  reap "$host"
  echo "leave RESULT $out"
  echo "  survivors' logs, seconds after SIGTERM: $(breakdown "$host" "$list")"
  leave_out="$out"
fi
stop_all

# mix_rps LINE: the requests/s of a wrk_mix line.
mix_rps() { sed -n 's/.* RESULT requests=[0-9]* rps=\([0-9]*\) .*/\1/p' <<<"$1"; }

if phase load; then
  declare -A base=()
  echo "## 3 nodes, every request through n1 (one entry point): acknowledged add_entry to 1,000 lists (write-consistency majority), and the book mix"
  start_cluster n1 n2 n3
  for n in n1 n2 n3; do base[$n]="$(started_on "$n")"; done
  warm_up 2 28 n1
  one_warm="$warm_note"
  wrk_add "cluster3 add_entry wrk -t1 -c4 -d${secs}s (light load)" 1 4 "$secs" n1
  wrk_add "cluster3 add_entry wrk -t2 -c64 -d${secs}s (saturated)" 2 64 "$secs" n1
  one="$(wrk_mix "cluster3 load-mix wrk -t2 -c28 -d${secs}s (through n1)" 2 28 "$secs" n1)"; echo "$one"
  echo "cluster3 list servers started, by node: $(placement n1 n2 n3)"
  echo "cluster3 peak_rss_mb: n1=$(rss_mb "${pid[n1]}") n2=$(rss_mb "${pid[n2]}") n3=$(rss_mb "${pid[n3]}")"
  stop_all

  echo "## 3 nodes, a fresh cluster, requests through all three at once (a load balancer in front): the book mix"
  start_cluster n1 n2 n3
  for n in n1 n2 n3; do base[$n]="$(started_on "$n")"; done
  warm_up 1 10 n1 n2 n3
  all_warm="$warm_note"
  all="$(wrk_mix "cluster3 load-mix 3 x wrk -t1 -c10 -d${secs}s (one per node)" 1 10 "$secs" n1 n2 n3)"; echo "$all"
  echo "cluster3 list servers started, by node: $(placement n1 n2 n3)"
  stop_all

  echo "## 1 node (a one-node cluster, same flags and scripts)"
  start_cluster s1
  warm_up 2 28 s1
  wrk_add "single add_entry wrk -t1 -c4 -d${secs}s (light load)" 1 4 "$secs" s1
  wrk_add "single add_entry wrk -t2 -c64 -d${secs}s (saturated)" 2 64 "$secs" s1
  single="$(wrk_mix "single load-mix wrk -t2 -c28 -d${secs}s" 2 28 "$secs" s1)"; echo "$single"
  echo "single peak_rss_mb: s1=$(rss_mb "${pid[s1]}")"
  stop_all
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
if phase failover; then
  echo "RESULT failover.median_s=$(sed -n 's/median_s=\([^ ]*\).*/\1/p' <<<"$failover_figures") s kill -9 of a list's node to its entry read through a survivor ($failover_figures)"
fi
if phase leave; then
  echo "RESULT leave.longest_gap_ms=$(sed -n 's/.*longest_gap_ms=\([0-9]*\).*/\1/p' <<<"$leave_out") ms graceful leave (SIGTERM of a list's node): longest gap between answers to a client every ~10 ms, $(grep -o 'non_200=[0-9]*' <<<"$leave_out")"
fi
if phase load; then
  echo "RESULT cluster3.mix_one_node_ratio=$(ratio "$(mix_rps "$one")" "$(mix_rps "$single")") ratio book mix through one node of 3 over one node, $(mix_rps "$one") / $(mix_rps "$single") req/s ($one_warm)"
  echo "RESULT cluster3.mix_all_nodes_ratio=$(ratio "$(mix_rps "$all")" "$(mix_rps "$single")") ratio book mix through all 3 nodes at once over one node, $(mix_rps "$all") / $(mix_rps "$single") req/s ($all_warm)"
fi
echo "# done in $(( $(date +%s) - started_at )) s; load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
