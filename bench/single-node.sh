#!/usr/bin/env bash
# One node, with the launcher's flags, all in one run so the figures compare:
#  1. the book mix (bench/load-mix.lua: 1,000 lists, 4 reads : 1 write, wrk -t2 -c28), with the
#     threads the JVM started meanwhile per request (none should be started per request);
#  2. the cost of a write by list size: PATCH of one entry (the list's size stays fixed) in a
#     list of 10 entries beside one of 10,000, alternating, p50 of each.
# Usage: bench/single-node.sh [--quick] [SECONDS]   (--quick: 5 s runs; default 20 s)
# Prints bench/run's RESULT lines (bench/run's head: the contract). Needs wrk, curl, jcmd.
# Starts its own node on a free loopback port in a temporary folder and ends it by pid.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
source "$here/lib.sh"
secs=20
case "${1:-}" in
  --quick) secs=5 ;;
  "") ;;
  *[!0-9]*) echo "usage: bench/single-node.sh [--quick] [SECONDS]" >&2; exit 2 ;;
  *) secs="$1" ;;
esac
for tool in wrk curl jcmd; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 2; }
done
bench_workspace single-node

port="$(free_port)"
launched="$(TODO_COOKIE=bench ERL_EPMD_PORT="$(free_port)" "$root/todo" launch --db-folder "$work/data" \
  --log-folder "$work" "bench@127.0.0.1=$port" 2>"$work/launch.log")" \
  || { echo "bench: the node did not start"; cat "$work/launch.log"; exit 1; }
pid="$(cut -d' ' -f2 <<<"$launched")"
bench_pids+=("$pid")
url="http://127.0.0.1:$port"

threads_started() { jcmd "$pid" PerfCounter.print 2>/dev/null | sed -n 's/^java.threads.started=//p'; }
field() { grep -o "$1=[0-9.]*" <<<"$2" | cut -d= -f2; }

echo "# $(date -u '+%F %T') UTC, $(nproc) cores, $(java -version 2>&1 | head -1), the launcher's flags: ${TODO_JAVA_OPTS:-$(launcher_flags)}"
echo "## the book mix, wrk -t2 -c28 -d${secs}s, after a warm-up of as long"
wrk -t2 -c28 -d"${secs}s" -s "$here/load-mix.lua" "$url" >/dev/null
t0="$(threads_started)"
mix="$(wrk -t2 -c28 -d"${secs}s" --latency -s "$here/load-mix.lua" "$url" | grep '^RESULT' | cut -d' ' -f2-)"
t1="$(threads_started)"
echo "mix: $mix threads_started=$(( t1 - t0 ))"
result single.mix_rps "$(field rps "$mix")" req/s "wrk -t2 -c28 -d${secs}s, the book mix"
result single.mix_p99_ms "$(field p99_ms "$mix")" ms
result single.threads_per_request "$(ratio $(( t1 - t0 )) "$(field requests "$mix")" %.4f)" ratio \
  "$(( t1 - t0 )) threads started over $(field requests "$mix") requests"

echo "## a write by list size: PATCH of one entry in a list of 10 and of 10,000 entries, wrk -t1 -c16 -d${secs}s"
for i in $(seq 1 10); do curl -sf -d '' "$url/add_entry?list=small&date=2018-12-19&title=e$i" >/dev/null; done
size() { curl -sf "$url/api/lists/$1" | grep -o '"size":[0-9]*' | cut -d: -f2; }
while (( $(size big) < 10000 )); do
  wrk -t1 -c16 -d5s -s "$here/add-one-list.lua" "$url" -- big >/dev/null
done
declare -A p50=()
for list in small big small big; do
  r="$(wrk -t1 -c16 -d"${secs}s" --latency -s "$here/patch-one-list.lua" "$url" -- "$list" | grep '^RESULT' | cut -d' ' -f2-)"
  echo "list=$list size=$(size "$list") $r"
  p50[$list]="$(awk -v s="${p50[$list]:-0}" -v v="$(field p50_ms "$r")" 'BEGIN { print s + v }')"
done
result single.write_p50_10k_to_10 "$(ratio "${p50[big]}" "${p50[small]}")" ratio \
  "PATCH p50 on 10,000 entries over 10 (means of two runs each: $(ratio "${p50[big]}" 2) and $(ratio "${p50[small]}" 2) ms)"
