#!/usr/bin/env bash
# What a node costs when no request comes (issue 11, part 8; docs/BENCHMARKS.md, "Issue 11,
# part 8: idle cost"). A 3-node cluster, started with `todo launch` (bench/nodes.sh), is left
# alone SETTLE s after it formed (start-up's JIT and first catch-up passes), then measured
# over IDLE s without a request: per node, its resident memory (VmRSS, and of it the
# anonymous and the file-backed part) at the end, and the CPU time it used (user + system,
# /proc/PID/stat) per 10 s; and which threads used it.
#
# Usage: bench/idle.sh [--quick] [--idle SECS] [--settle SECS] [--mix SECS] [--per-node] [FLAGS...]
#   FLAGS    one argument per JVM configuration to compare, each given as TODO_JAVA_OPTS,
#            which adds to the launcher's flags (a collector named replaces SerialGC; a
#            flag given again wins) ("-": the launcher's own). Leading NAME=VALUE
#            words are set in the nodes' environment ("MALLOC_ARENA_MAX=2 -XX:+UseSerialGC ..."),
#            and a "+" word stands for the launcher's flags ("MALLOC_ARENA_MAX=2 +").
#            With several, each is measured twice, the second round in rotated order (B C A
#            after A B C), so that an order effect shows as a difference between rounds.
#            None: the launcher's, once.
#   --per-node  up to 3 configurations in one cluster, n1 n2 n3 each running one, over 3
#            rounds rotated so that each configuration runs once on each node (n1 also runs
#            the host's port mapper): a third of the time for flags that change only a node's
#            own cost (memory, its own threads).
#   --nmt    adds -XX:NativeMemoryTracking=summary to every configuration and prints, per node,
#            what the JVM says it committed, by area (jcmd VM.native_memory; the tracking
#            itself costs a few MiB): where the resident memory goes.
#   --mix S  then the book mix (bench/load-mix.lua, wrk -t2 -c28) on a one-node cluster per
#            configuration, S s after a warm-up of S s, in the same two orders: the rate the
#            flags cost or gain under load.
#   --mix-only  only the book mix, no idle rounds.
#   --quick  idle 20 s after 10 s (default: idle 60 s after 30 s).
# Prints, for bench/run, the highest of the three nodes of the last configuration:
#   RESULT idle.rss_mib=N MiB   and   RESULT idle.cpu_s_per_10s=N s
# Needs wrk (for --mix) and curl. Starts its own nodes on free loopback ports in a
# temporary folder, and ends them by pid.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
idle=60 settle=30 mix=0 idle_rounds=1 per_node=0 nmt=0 configs=() args=("$@")
while (( $# )); do
  case "$1" in
    --quick) idle=20; settle=10 ;;
    --idle) idle="$2"; shift ;;
    --settle) settle="$2"; shift ;;
    --mix) mix="$2"; shift ;;
    --mix-only) idle_rounds=0 ;;
    --per-node) per_node=1 ;;
    --nmt) nmt=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) configs+=("$1") ;;
  esac
  shift
done
(( ${#configs[@]} )) || configs=(-)
(( per_node && ${#configs[@]} > 3 )) && { echo "bench: --per-node takes at most 3 configurations" >&2; exit 2; }
bench_name=idle
source "$here/nodes.sh"
hz="$(getconf CLK_TCK)"
original_opts="${TODO_JAVA_OPTS-}"
env_set=()

# use_flags FLAGS: the JVM flags and environment the next nodes start with ("-": the launcher's).
use_flags() {
  local v words=() jvm=()
  for v in "${env_set[@]}"; do unset "$v"; done
  env_set=()
  [[ "$1" == - ]] && set -- +
  read -ra words <<<"$1"
  for v in "${words[@]}"; do
    if [[ ${#jvm[@]} == 0 && "$v" =~ ^[A-Z_][A-Z0-9_]*= ]]; then export "${v?}"; env_set+=("${v%%=*}")
    elif [[ "$v" == + ]]; then jvm+=($launcher_flags)
    else jvm+=("$v"); fi
  done
  (( ${#jvm[@]} )) || jvm=($launcher_flags)
  (( nmt )) && jvm+=(-XX:NativeMemoryTracking=summary)
  export TODO_JAVA_OPTS="${jvm[*]}"
}
# reset_flags: the environment as it was (the launcher's flags).
reset_flags() {
  local v
  for v in "${env_set[@]}"; do unset "$v"; done
  env_set=()
  if [[ -n "$original_opts" ]]; then export TODO_JAVA_OPTS="$original_opts"; else unset TODO_JAVA_OPTS; fi
}
describe() {
  [[ "$1" == - ]] && { echo "launcher: $launcher_flags"; return; }
  local w out=()
  for w in $1; do if [[ "$w" == + ]]; then out+=("$launcher_flags"); else out+=("$w"); fi; done
  echo "${out[*]}"
}

# thread_ticks PID: "TICKS NAME" per thread of the process (names without their numbers, so
# that a pool's threads add up).
thread_ticks() {
  for t in /proc/"$1"/task/*/stat; do cat "$t" 2>/dev/null || true; done | awk '{
    name = $0; sub(/^[^(]*\(/, "", name); sub(/\) .*$/, "", name); gsub(/[-#]?[0-9]+$/, "", name); gsub(/ /, "_", name)
    rest = $0; sub(/^.*\) /, "", rest); split(rest, f, " ")
    print f[12] + f[13], name }'
}

# top_threads BEFORE AFTER: the thread names that used the most CPU between two thread_ticks.
top_threads() {
  awk -v hz="$hz" -v idle="$idle" 'FNR == NR { before[$2] += $1; next } { after[$2] += $1 }
    END { for (n in after) { d = after[n] - before[n]; if (d > 0) printf "%.3f %s\n", d / hz / idle * 10, n } }' "$1" "$2" |
    sort -rn | head -8 | awk '{ printf "%s%s=%s", (NR > 1 ? ", " : ""), $2, $1 }'
}

# node_flags NAME: which configuration each node runs in a --per-node round (set by idle_round).
declare -A node_config=()
start_node_flagged() {
  use_flags "${node_config[$1]}"
  start_node "$@"
  reset_flags
}

# idle_round LABEL FLAGS...: one cluster (one FLAGS for all three nodes, or one per node),
# measured idle; prints a line per node and sets max_rss, max_cpu.
idle_round() {
  local label="$1"; shift
  local configs_here=("$@") n i=0
  for n in n1 n2 n3; do node_config[$n]="${configs_here[$(( i % ${#configs_here[@]} ))]}"; i=$((i + 1)); done
  start_cluster_with start_node_flagged n1 n2 n3
  sleep "$settle"
  local c0=() c1=() rss mem
  for n in n1 n2 n3; do c0+=("$(cpu_ticks "${pid[$n]}")"); thread_ticks "${pid[$n]}" >"$work/$n.t0"; done
  sleep "$idle"
  for n in n1 n2 n3; do c1+=("$(cpu_ticks "${pid[$n]}")"); thread_ticks "${pid[$n]}" >"$work/$n.t1"; done
  max_rss=0 max_cpu=0 i=0
  echo "$label"
  for n in n1 n2 n3; do
    rss="$(awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/${pid[$n]}/status")"
    mem="$(awk '/^Rss(Anon|File)/ { printf "%s%s=%.0f", (k++ ? " " : ""), tolower(substr($1, 4, 4)), $2 / 1024 }' "/proc/${pid[$n]}/status")"
    cpu="$(awk -v d="$(( c1[i] - c0[i] ))" -v hz="$hz" -v s="$idle" 'BEGIN { printf "%.3f", d / hz / s * 10 }')"
    echo "  $n: rss_mib=$rss ($mem) cpu_s_per_10s=$cpu threads=$(ls "/proc/${pid[$n]}/task" | wc -l)$( (( per_node )) && echo " config=$(config_number "${node_config[$n]}")")"
    echo "    threads, CPU s per 10 s: $(top_threads "$work/$n.t0" "$work/$n.t1")"
    (( nmt )) && echo "    committed MiB (NMT): $(nmt_line "${pid[$n]}")"
    (( rss > max_rss )) && max_rss=$rss
    max_cpu="$(awk -v a="$max_cpu" -v b="$cpu" 'BEGIN { print (b > a ? b : a) }')"
    i=$((i + 1))
  done
  stop_all
}

config_number() { local k; for k in "${!configs[@]}"; do [[ "${configs[$k]}" == "$1" ]] && { echo $((k + 1)); return; }; done; }

# nmt_line PID: what the JVM committed, MiB by area, largest first (needs -XX:NativeMemoryTracking).
nmt_line() {
  jcmd "$1" VM.native_memory summary 2>/dev/null | awk '
    /^Total:/ { t = $0; sub(/.*committed=/, "", t); sub(/KB.*/, "", t); total = t }
    /^-.*committed=/ { n = $0; sub(/^- */, "", n); sub(/ *\(.*/, "", n); gsub(/ /, "_", n)
      c = $0; sub(/.*committed=/, "", c); sub(/KB.*/, "", c); if (c + 0 >= 512) printf "%.0f %s\n", c / 1024, n }
    END { if (total) printf "%.0f total\n", total / 1024 }' | sort -rn | awk '{ printf "%s%s=%s", (NR > 1 ? " " : ""), $2, $1 }'
}

# mix_round LABEL FLAGS: the book mix on a one-node cluster.
mix_round() {
  node_config[s1]="$2"
  start_cluster_with start_node_flagged s1
  local url="http://127.0.0.1:${port[s1]}" result
  wrk -t2 -c28 -d"${mix}s" -s "$here/load-mix.lua" "$url" >/dev/null
  result="$(wrk -t2 -c28 -d"${mix}s" --latency -s "$here/load-mix.lua" "$url" | grep RESULT)"
  echo "$1 $result peak_rss_mib=$(rss_mb "${pid[s1]}")"
  stop_all
}

bench_header "${args[@]}"
echo "# $( (( idle_rounds )) && echo "idle ${idle} s after ${settle} s settled; ")${#configs[@]} configuration(s):"
for k in "${!configs[@]}"; do echo "#   $((k + 1)): $(describe "${configs[$k]}")"; done

# rounds: the order of the configurations' indexes, round 1 as given, round 2 rotated by one
# (--per-node: the configurations of n1 n2 n3, rotated by one each round, 3 rounds).
k_all="$(seq 0 $(( ${#configs[@]} - 1 )) | paste -sd' ')"
orders=("$k_all")
(( ${#configs[@]} > 1 )) && orders+=("$(seq 1 $(( ${#configs[@]} - 1 )) | paste -sd' ') 0")
if (( idle_rounds && per_node )); then
  echo "## idle, one configuration per node: per node the resident memory at the end and the CPU seconds used per 10 s"
  for r in 0 1 2; do
    round_configs=()
    for i in 0 1 2; do round_configs+=("${configs[$(( (i + r) % ${#configs[@]} ))]}"); done
    idle_round "round=$((r + 1))" "${round_configs[@]}"
  done
elif (( idle_rounds )); then
  echo "## idle: 3 nodes, per node the resident memory at the end and the CPU seconds used per 10 s"
  for r in "${!orders[@]}"; do
    for k in ${orders[$r]}; do idle_round "round=$((r + 1)) config=$((k + 1))" "${configs[$k]}"; done
  done
fi
if (( mix > 0 )); then
  echo "## the book mix on one node, wrk -t2 -c28 -d${mix}s after a warm-up of ${mix}s"
  for r in "${!orders[@]}"; do
    for k in ${orders[$r]}; do mix_round "round=$((r + 1)) config=$((k + 1))" "${configs[$k]}"; done
  done
fi
reset_flags
(( idle_rounds )) || exit 0
echo "RESULT idle.rss_mib=$max_rss MiB (the highest of the 3 idle nodes of the last cluster measured)"
echo "RESULT idle.cpu_s_per_10s=$max_cpu s (the highest of the 3 idle nodes of the last cluster measured)"
echo "# done in $(( $(date +%s) - started_at )) s; load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
