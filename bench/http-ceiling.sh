#!/usr/bin/env bash
# The HTTP layer's ceiling, in one run: wrk GET /health on a node beside GET / on a bare
# pekko-http server (bench/HelloServer.java: the same Pekko settings, no cluster, no routes),
# alternating, and the ratio of the two; then the book mix (bench/load-mix.lua) on the same
# node, and its ratio to /health.
# Usage: bench/http-ceiling.sh [--quick | SECONDS_PER_RUN (10) ROUNDS (3)] [CHECKOUT...]   (--quick: 5 s, 1 round)
# Each CHECKOUT (default: this one) is a folder with ./todo and its built jar: give two (a
# "before" and an "after") to compare them in the same run; their nodes run side by side and
# are measured in turn. The bare server runs on the first checkout's jar. Every JVM gets the
# launcher's flags (TODO_JAVA_OPTS, else ./todo's defaults). wrk: -t2 -c${BENCH_CONNECTIONS:-28}.
# Wrap it in flock on a shared machine. Starts everything on loopback, ends it by pid on exit.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
source "$here/lib.sh"
if [[ "${1:-}" == --quick ]]; then
  secs=5 rounds=1; shift
else
  secs="${1:-10}" rounds="${2:-3}"
  shift $(( $# < 2 ? $# : 2 ))
fi
checkouts=("$@")
(( ${#checkouts[@]} > 0 )) || checkouts=("$root")
connections="${BENCH_CONNECTIONS:-28}"
jvm_opts="${TODO_JAVA_OPTS:-$(launcher_flags)}" # ./todo's defaults
command -v wrk >/dev/null || { echo "bench: wrk is needed (apt-get install wrk)" >&2; exit 2; }

bench_workspace http-ceiling


# run NAME URL [wrk arguments...]: one wrk run; prints its RESULT fields.
run() {
  local url="$2"; shift 2
  wrk -t2 -c"$connections" -d"${secs}s" --latency "$@" "$url" | grep '^RESULT' | cut -d' ' -f2-
}
field() { grep -o "$1=[0-9.]*" <<<"$2" | cut -d= -f2; }

echo "# $(date -u '+%F %T') UTC, $(nproc) cores, $(java -version 2>&1 | head -1), JVM flags: $jvm_opts"
echo "# wrk -t2 -c$connections, ${secs}s per run after one warm-up run each; $rounds rounds"

hello_port="$(free_port)"
java $jvm_opts -cp "${checkouts[0]}/service/target/todo.jar" "$here/HelloServer.java" "$hello_port" >"$work/hello.log" 2>&1 &
bench_pids+=($!)
declare -a node_port=() label=()
for i in "${!checkouts[@]}"; do
  c="${checkouts[$i]}"
  label[$i]="$(basename "$c")@$(git -C "$c" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  node_port[$i]="$(free_port)"
  launched="$(TODO_JAVA_OPTS="$jvm_opts" "$c/todo" launch --db-folder "$work/data$i" --log-folder "$work" \
    "bench$i@127.0.0.1=${node_port[$i]}" 2>"$work/launch$i.log")" \
    || { echo "bench: the node of $c did not start"; cat "$work/launch$i.log"; exit 1; }
  bench_pids+=("$(cut -d' ' -f2 <<<"$launched")")
done
for _ in $(seq 100); do grep -q "hello server on" "$work/hello.log" && break; sleep 0.2; done
grep -q "hello server on" "$work/hello.log" || { echo "bench: the bare server did not start"; cat "$work/hello.log"; exit 1; }

bare_url="http://127.0.0.1:$hello_port/"
run warm "$bare_url" -s "$here/histogram.lua" >/dev/null
for i in "${!checkouts[@]}"; do
  run warm "http://127.0.0.1:${node_port[$i]}/health" -s "$here/histogram.lua" >/dev/null
  run warm "http://127.0.0.1:${node_port[$i]}" -s "$here/load-mix.lua" >/dev/null
done

declare -A sum=()
for round in $(seq "$rounds"); do
  bare="$(run bare "$bare_url" -s "$here/histogram.lua")"
  bare_rps="$(field rps "$bare")"
  echo "round=$round bare GET / $bare"
  for i in "${!checkouts[@]}"; do
    health="$(run health "http://127.0.0.1:${node_port[$i]}/health" -s "$here/histogram.lua")"
    mix="$(run mix "http://127.0.0.1:${node_port[$i]}" -s "$here/load-mix.lua")"
    h="$(field rps "$health")"; m="$(field rps "$mix")"
    hr="$(awk -v a="$h" -v b="$bare_rps" 'BEGIN {printf "%.2f", a / b}')"
    mr="$(awk -v a="$m" -v b="$h" 'BEGIN {printf "%.2f", a / b}')"
    echo "round=$round ${label[$i]} GET /health $health health/bare=$hr"
    echo "round=$round ${label[$i]} book mix $mix mix/health=$mr"
    sum[$i,h]="$(awk -v s="${sum[$i,h]:-0}" -v r="$hr" 'BEGIN {print s + r}')"
    sum[$i,m]="$(awk -v s="${sum[$i,m]:-0}" -v r="$mr" 'BEGIN {print s + r}')"
  done
done
for i in "${!checkouts[@]}"; do
  awk -v l="${label[$i]}" -v h="${sum[$i,h]}" -v m="${sum[$i,m]}" -v n="$rounds" \
    'BEGIN {printf "mean %s: health/bare=%.2f (target >= 0.85) mix/health=%.2f (target >= 0.6)\n", l, h / n, m / n}'
done
# bench/run's figures: the first checkout's means
result http.health_to_bare "$(awk -v h="${sum[0,h]}" -v n="$rounds" 'BEGIN { printf "%.2f", h / n }')" ratio \
  "wrk -t2 -c$connections -d${secs}s, mean of $rounds rounds: GET /health over a bare pekko-http server's GET /"
result single.mix_to_health "$(awk -v m="${sum[0,m]}" -v n="$rounds" 'BEGIN { printf "%.2f", m / n }')" ratio \
  "the book mix over GET /health, same node, same run"
