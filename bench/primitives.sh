#!/usr/bin/env bash
# The chapter's primitives between two nodes on loopback (issue 11, part 7): a node started
# with `todo launch`, and a `todo shell` node that connects to it and times, N times each,
# a bare Pekko remote ask (Identify, over the same TLS association), a send/receive round
# trip (a JDK value, and a record typed in the shell), Rpc.call, Node.spawn,
# Global.registerName+unregisterName and Global.whereisName (bench/primitives/Primitives.jsh).
# Prints per operation the mean, p50 and p99 in ms.
#
# Usage: bench/primitives.sh [--quick | N [ROUNDS]] [JAR...]   (--quick: N=300, 1 round)
#   N       operations of each kind per round (default 2000), after a warm-up pass of N/2 of each
#   ROUNDS  rounds (default 2); each round runs every JAR in turn, the order flipping
#           each round, so that a before/after pair compares within one run
#   JAR     product jars to compare (default: this checkout's service/target/todo.jar,
#           built first if stale)
# Starts its nodes on free loopback ports with a port mapper of their own, in a temporary
# folder, and ends them by pid before it exits.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
source "$here/lib.sh"
if [[ "${1:-}" == --quick ]]; then
  n=300 rounds=1; shift
else
  n="${1:-2000}" rounds="${2:-2}"
  shift $(( $# < 2 ? $# : 2 ))
fi
jars=("$@")
if (( ${#jars[@]} == 0 )); then
  "$root/todo" version >/dev/null # builds the jar now if it is stale, not during a measurement
  jars=("$root/service/target/todo.jar")
fi
java_opts=(${TODO_JAVA_OPTS:-$(launcher_flags)}) # the launcher's
bench_workspace primitives
node_pid=""

# one_run JAR: a node p1 through `todo launch`, a shell node that times the primitives against it, p1's end.
one_run() {
  local jar="$1" launched
  export TODO_COOKIE=bench ERL_EPMD_PORT="$(free_port)"
  rm -rf "$work/data"
  launched="$(java "${java_opts[@]}" -jar "$jar" launch --db-folder "$work/data" --log-folder "$work" \
    "p1@127.0.0.1=$(free_port)" 2>"$work/launch.log")" \
    || { echo "bench: the node did not start"; cat "$work/launch.log" "$work/p1.log" 2>/dev/null; exit 1; }
  node_pid="$(cut -d' ' -f2 <<<"$launched")"
  bench_pids=("$node_pid")
  BENCH_TARGET=p1@127.0.0.1 BENCH_N="$n" java "${java_opts[@]}" -jar "$jar" shell --name bench@127.0.0.1 \
    --connect p1@127.0.0.1 --eval "$(cat "$here/primitives/Primitives.jsh")" \
    >"$work/shell.out" 2>&1 || { echo "bench: the shell failed"; tail -n 30 "$work/shell.out"; exit 1; }
  grep "^RESULT" "$work/shell.out" | sed "s|^RESULT |jar=$jar |" | tee -a "$work/results"
  kill -9 "$node_pid"
  while [[ -e "/proc/$node_pid" ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$node_pid/status" 2>/dev/null; do sleep 0.05; done
  node_pid=""
}

echo "# command: ${TODO_JAVA_OPTS:+TODO_JAVA_OPTS='$TODO_JAVA_OPTS' }bench/primitives.sh $n $rounds ${jars[*]}"
echo "# date: $(date -u '+%F %T UTC'), $(nproc) cores, $(java -version 2>&1 | head -1), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# commit: $(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown); JVM flags: ${java_opts[*]}"
for r in $(seq 1 "$rounds"); do
  order=("${jars[@]}")
  if (( r % 2 == 0 )); then order=(); for (( i=${#jars[@]}-1; i>=0; i-- )); do order+=("${jars[$i]}"); done; fi
  for jar in "${order[@]}"; do
    echo "## round $r: $jar; $(date -u +%T), load average $(cut -d' ' -f1-3 /proc/loadavg)"
    one_run "$jar"
  done
done
echo "# done; load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

# bench/run's figures, from the first jar: p50s over all rounds' mean, ratios to the bare ask
p50() { grep "^jar=${jars[0]} op=$1 " "$work/results" | sed -n 's/.* p50_ms=\([0-9.]*\).*/\1/p' | awk '{ s += $1 } END { printf "%.3f", s / NR }'; }
ask="$(p50 pekko-ask)"
result primitives.send_rtt_to_ask "$(ratio "$(p50 send-receive)" "$ask")" ratio "p50 $(p50 send-receive) ms over a bare Pekko ask's $ask ms (TLS, same association)"
result primitives.rpc_to_ask "$(ratio "$(p50 rpc-call)" "$ask")" ratio "p50 $(p50 rpc-call) ms"
result primitives.register_unregister_ms "$(p50 register-unregister)" ms "p50"
result primitives.whereis_ms "$(p50 whereis)" ms "p50"
result primitives.spawn_ms "$(p50 spawn)" ms "p50 of Node.spawn on the other node"
