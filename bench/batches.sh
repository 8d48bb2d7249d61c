#!/usr/bin/env bash
# Replication in batches (issue 11, part 3): a warm 3-node cluster of this checkout beside
# clusters of other checkouts (each a worktree with its jar built: main before the change,
# or a step of it), in one run, alternating. For each build and round: 3 fresh nodes, writes
# through n1 to 1,000 lists (bench/add-many-lists.lua, wrk -t2 -c28) for a warm-up that
# starts the lists' servers, then measured: writes, and the 4:1 mix (bench/load-mix.lua),
# each with the CPU the 3 nodes used per request and, where the build counts them, the
# messages of changes the nodes sent each other per change
# (todo_replication_messages_total over todo_replication_changes_total).
# Unlike bench/etcd.sh --quick, whose 5 s windows mostly measure list servers starting, the
# windows here come after the servers started.
# Usage: bench/batches.sh [--quick] OTHER_CHECKOUT...   (quick: 1 round, 20 s warm-up, 8 s
#        windows, about 80 s a build; full: 2 rounds, 30 s warm-up, 15 s windows).
# Prints RESULT batches.writes_ratio and batches.mix_ratio (this checkout's req/s over the
# first other checkout's, mean of the rounds), the same over each further one, and each
# run's figures.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
rounds=2; warm=30; secs=15
if [[ "${1:-}" == --quick ]]; then rounds=1; warm=20; secs=8; shift; fi
(( $# >= 1 )) || { echo "usage: bench/batches.sh [--quick] OTHER_CHECKOUT..." >&2; exit 2; }
builds=()
for b in "$@"; do
  [[ -x "$b/todo" ]] || { echo "bench/batches.sh: $b is not a checkout (no ./todo)" >&2; exit 2; }
  builds+=("$(cd "$b" && pwd)")
done
builds+=("$root")
bench_name=batches
source "$here/nodes.sh"
hz="$(getconf CLK_TCK)"

cpu_all() { local t=0 p; for p in "${pid[@]}"; do t=$((t + $(cpu_ticks "$p"))); done; echo "$t"; }

# counter NAME: its sum over the three nodes' /metrics, every tag.
counter() {
  local n t=0 v
  for n in n1 n2 n3; do
    v="$(curl -sf "http://127.0.0.1:${port[$n]}/metrics" | awk -v k="$1" '$1 ~ "^" k "({|$)" { s += $2 } END { printf "%d", s }')"
    t=$((t + v))
  done
  echo "$t"
}

# measure LABEL SHAPE: one wrk run through n1; prints its RESULT line, CPU per request, messages per change.
measure() {
  local args c0 c1 m0 m1 k0 k1 out
  case "$2" in
    writes) args=(-s "$here/add-many-lists.lua" "http://127.0.0.1:${port[n1]}" -- bench) ;;
    mix) args=(-s "$here/load-mix.lua" "http://127.0.0.1:${port[n1]}") ;;
  esac
  c0="$(cpu_all)"; m0="$(counter todo_replication_messages_total)"; k0="$(counter todo_replication_changes_total)"
  out="$(wrk -t2 -c28 -d"${secs}s" --latency "${args[@]}" | grep '^RESULT')"
  c1="$(cpu_all)"; m1="$(counter todo_replication_messages_total)"; k1="$(counter todo_replication_changes_total)"
  awk -v o="$out" -v d="$((c1 - c0))" -v hz="$hz" -v m="$((m1 - m0))" -v k="$((k1 - k0))" -v l="$1" -v s="$2" 'BEGIN {
    split(o, f, " "); for (i in f) { split(f[i], kv, "="); v[kv[1]] = kv[2] }
    printf "%s %s %s cpu_ms_per_request=%.3f messages_per_change=%s\n", l, s, o,
      (v["requests"] > 0 ? d / hz * 1000 / v["requests"] : 0), (k > 0 ? sprintf("%.3f", m / k) : "n/a") }'
}

bench_header "$@"
for b in "${builds[@]}"; do echo "# build: $b ($(git -C "$b" describe --always --dirty 2>/dev/null || echo unknown))"; done
this="$root"
for r in $(seq 1 "$rounds"); do
  order=("${builds[@]}")
  if (( r % 2 == 0 )); then order=(); for (( i = ${#builds[@]} - 1; i >= 0; i-- )); do order+=("${builds[$i]}"); done; fi
  for b in "${order[@]}"; do
    root="$b"
    start_cluster n1 n2 n3
    BENCH_SEED=1 wrk -t2 -c28 -d"${warm}s" -s "$here/add-many-lists.lua" "http://127.0.0.1:${port[n1]}" -- bench >/dev/null
    for s in writes mix; do measure "$b" "$s" | tee -a "$work/runs"; done
    stop_all
  done
done
root="$this"

mean() { awk -v b="$1" -v s="$2" '$1 == b && $2 == s { for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "rps") { t += kv[2]; n++ } } }
  END { printf "%.1f", n ? t / n : 0 }' "$work/runs"; }
for s in writes mix; do
  for (( i = 0; i < ${#builds[@]} - 1; i++ )); do
    b="${builds[$i]}"; name="batches.${s}_ratio"; (( i == 0 )) || name="batches.${s}_ratio_over_$(basename "$b")"
    result "$name" "$(ratio "$(mean "$this" "$s")" "$(mean "$b" "$s")")" ratio \
      "this checkout $(mean "$this" "$s") req/s / $b $(mean "$b" "$s") req/s, warm 3-node cluster through n1, wrk -t2 -c28 -d${secs}s, mean of $rounds round(s)"
  done
done
echo "# done in $(( $(date +%s) - started_at )) s; load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
