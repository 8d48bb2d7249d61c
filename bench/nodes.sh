# Sourced by the bench scripts (bench/cluster.sh, bench/catch-up.sh): a temporary folder,
# nodes started on free loopback ports with a port mapper of their own, and their end.
# Before sourcing, set `here` (this folder), `root` (the checkout) and `bench_name`.
# TODO=/other/checkout/todo runs that checkout's nodes with these scripts (before and after
# in one run).
# Defines: work (the temporary folder), pid/port (per short node name), holder (a subshell
# that waits for a node a script started itself, as bench/durability.sh does), extra_pids
# (more processes to end on exit), the helpers below, and a trap that ends every process
# started here by pid and removes the folder on exit (the nodes' last log lines are
# printed when the script fails, and kept in the folder BENCH_KEEP_LOGS names, when set).

source "$here/lib.sh"
todo="${TODO:-$root/todo}"

for tool in wrk curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is needed (apt-get install $tool)" >&2; exit 2; }
done

work="$(mktemp -d -t "todo-bench-${bench_name}.XXXXXX")"
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
    print_logs
    if [[ -n "${BENCH_KEEP_LOGS:-}" ]]; then # a folder to keep the nodes' whole logs in when a run fails
      mkdir -p "$BENCH_KEEP_LOGS" && cp "$work"/*.log "$BENCH_KEEP_LOGS"/ 2>/dev/null && echo "--- logs kept in $BENCH_KEEP_LOGS"
    fi
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

epmd_port="$(free_port)"
# The launcher's default JVM flags, as the todo script holds them.
launcher_flags="$(sed -n 's/^default_java_opts=(\(.*\))$/\1/p' "$root/todo")"

# bench_header COMMAND_ARGS...: what every run prints first (command, date, load, commit),
# and builds service/target/todo.jar now if it is stale, not during a measurement.
bench_header() {
  echo "# command: ${TODO:+TODO=$TODO }${TODO_JAVA_OPTS:+TODO_JAVA_OPTS='$TODO_JAVA_OPTS' }bench/$(basename "$0") $* (in $root)"
  echo "# date: $(date -u '+%F %T UTC'), $(nproc) cores, $(java -version 2>&1 | head -1), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# commit: $(git -C "$(dirname "$todo")" describe --always --dirty 2>/dev/null || echo unknown); JVM flags: the launcher's (${TODO_JAVA_OPTS:-default: $launcher_flags})"
  "$todo" version >/dev/null
}

# start_node SHORT_NAME HTTP_PORT [SHORT_NAME_TO_CONNECT_TO...]: through `todo launch --no-wait`,
# the product's launcher of node JVMs, which returns once the node's JVM runs and prints its
# pid. The node outlives the launcher (an orphan, so bash reports nothing when it is killed).
# TODO=/other/checkout/todo starts it from another build (as bench/cold-start.sh takes it).
start_node() {
  local name="$1" p="$2"; shift 2
  local args=(launch --no-wait --db-folder "$work/data" --log-folder "$work")
  for c in "$@"; do args+=(--connect "$c@127.0.0.1"); done
  args+=("$name@127.0.0.1=$p")
  echo "## $(date -u +%T) start $name: TODO_COOKIE=bench ERL_EPMD_PORT=$epmd_port TODO_HTTP_HOST=127.0.0.1 ./todo ${args[*]}" >>"$work/$name.log"
  local launched
  launched="$(TODO_COOKIE=bench ERL_EPMD_PORT="$epmd_port" TODO_HTTP_HOST=127.0.0.1 "$todo" "${args[@]}" 2>>"$work/$name.log")" \
    || { echo "bench: todo launch $name failed"; return 1; }
  pid[$name]="$(cut -d' ' -f2 <<<"$launched")" # the JVM's pid: NAME PID HTTP_PORT
  port[$name]=$p
}

# reap SHORT_NAME: after its node has ended, forget it (waits until its process is gone or a zombie).
reap() {
  local p="${pid[$1]:-}"
  if [[ -n "${holder[$1]:-}" ]]; then { wait "${holder[$1]}"; } 2>/dev/null || true; fi
  while [[ -n "$p" && -e "/proc/$p" ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$p/status" 2>/dev/null; do sleep 0.05; done
  unset "pid[$1]" "holder[$1]"
}

# kill_node SHORT_NAME: SIGKILL, then forget it (its port stays in port[]).
kill_node() { kill -9 "${pid[$1]}"; reap "$1"; }

# The running nodes' short names, sorted.
nodes_up() { printf '%s\n' "${!pid[@]}" | sort; }

# sees SHORT_NAME: whether the node answers /health and its /api/cluster lists every other
# running node (and no more).
sees() {
  local view others n
  curl -sf -m 1 "http://127.0.0.1:${port[$1]}/health" >/dev/null 2>&1 || return 1
  view="$(curl -sf -m 2 "http://127.0.0.1:${port[$1]}/api/cluster" 2>/dev/null)" || return 1
  # the first "nodes" (the members); a later one is the replica set's
  others="$(grep -o '"nodes" *: *\[[^]]*\]' <<<"$view" | head -1 | sed 's/^[^[]*\[//; s/\]$//' | tr -d '" ' | tr ',' '\n' | sort | paste -sd' ')"
  [[ "$others" == "$(for n in $(nodes_up); do [[ "$n" != "$1" ]] && echo "$n@127.0.0.1"; done | sort | paste -sd' ')" ]]
}

# wait_cluster: until every running node answers /health and lists all the others (300 s at most:
# three JVMs starting on 2 busy cores have taken more than 2 minutes).
wait_cluster() {
  local deadline=$((SECONDS + 300)) n ok
  while (( SECONDS < deadline )); do
    ok=1
    for n in $(nodes_up); do sees "$n" || { ok=0; break; }; done
    (( ok )) && return 0
    sleep 0.2
  done
  echo "bench: the cluster did not form in time:" >&2
  for n in $(nodes_up); do echo "  $n sees $(curl -sf -m 2 "http://127.0.0.1:${port[$n]}/api/cluster" || echo 'nothing (no HTTP)')" >&2; done
  return 1
}

wait_health() { # SHORT_NAME
  for _ in $(seq 1 600); do
    curl -sf "http://127.0.0.1:${port[$1]}/health" >/dev/null 2>&1 && return 0
    kill -0 "${pid[$1]}" 2>/dev/null || { echo "bench: node $1 exited"; return 1; }
    sleep 0.2
  done
  echo "bench: node $1 did not answer /health"; return 1
}

# start_cluster SHORT_NAME...: the first node alone, then the others joining it.
start_cluster() { start_cluster_with start_node "$@"; }

# start_cluster_with STARTER SHORT_NAME...: the same, each node started by STARTER NAME PORT [CONNECT].
start_cluster_with() {
  local starter="$1" first="$2"; shift 2
  "$starter" "$first" "$(free_port)"
  wait_health "$first"
  for n in "$@"; do "$starter" "$n" "$(free_port)" "$first"; done
  wait_cluster
}

stop_all() {
  for n in "${!pid[@]}"; do kill -9 "${pid[$n]}" 2>/dev/null || true; reap "$n"; done
  pid=(); port=(); holder=()
  rm -rf "$work/data"
}

rss_mb() { awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }

# cpu_ticks PID: the CPU time the process has used, user and system, in clock ticks (CLK_TCK).
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }

# pool FILE...: p50 and p99, in ms, over the latency histograms several wrk processes wrote
# (bench/histogram.lua: one "microseconds count" line per recorded value).
pool() {
  cat "$@" | sort -n | awk '
    { v[NR] = $1; c[NR] = $2; total += $2 }
    END {
      for (i = 1; i <= NR; i++) {
        seen += c[i]
        if (p50 == "" && seen >= total * 0.50) p50 = v[i] / 1000
        if (p99 == "" && seen >= total * 0.99) p99 = v[i] / 1000
      }
      printf "p50_ms=%.2f p99_ms=%.2f\n", p50, p99
    }'
}

# wrk_mix LABEL THREADS_PER_WRK CONNS_PER_WRK SECS NODE...: one wrk per node, in parallel,
# the load mix (bench/cluster-mix.lua); prints the summed requests/s and the pooled p50/p99.
# LABEL "-": prints only the summed requests/s; "=": prints nothing. With BENCH_OUT=PREFIX set, each wrk's
# output and histogram stay in PREFIX.N.out and PREFIX.N.hist (for bench/catch-up.sh).
wrk_mix() {
  local label="$1" t="$2" c="$3" d="$4"; shift 4
  local i=0 wpids=() outs=() hists=() out="${BENCH_OUT:-$work/wrk}" before=("${extra_pids[@]}")
  for n in "$@"; do
    i=$((i + 1))
    BENCH_SEED=$i BENCH_HIST="$out.$i.hist" wrk -t"$t" -c"$c" -d"${d}s" --latency -s "$here/cluster-mix.lua" \
      "http://127.0.0.1:${port[$n]}" >"$out.$i.out" 2>&1 &
    wpids+=($!); outs+=("$out.$i.out"); hists+=("$out.$i.hist")
  done
  extra_pids+=("${wpids[@]}")
  for p in "${wpids[@]}"; do wait "$p"; done
  extra_pids=("${before[@]}")
  [[ "$label" == "=" ]] && return 0
  local per sum
  per="$(grep -h RESULT "${outs[@]}" | sed 's/^RESULT //' | paste -sd'|' - | sed 's/|/ | /g')"
  sum="$(grep -h RESULT "${outs[@]}" | awk '
    { for (i = 2; i <= NF; i++) { split($i, kv, "="); t[kv[1]] += kv[2] } }
    END { printf "requests=%.0f rps=%.0f errors=%.0f non2xx=%.0f timeouts=%.0f\n", t["requests"], t["rps"], t["errors"], t["non2xx"], t["timeouts"] }')"
  [[ "$label" == "-" ]] && { sed -n 's/.* rps=\([0-9]*\).*/\1/p' <<<" $sum"; return 0; }
  echo "$label RESULT $sum $(pool "${hists[@]}")   (per wrk: $per)"
}

# settled A B: B is within 10% of A (a warm-up's rate has settled).
settled() { awk -v a="$1" -v b="$2" 'BEGIN { d = b - a; if (d < 0) d = -d; exit !(a > 0 && d / a <= 0.10) }'; }
