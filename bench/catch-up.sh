#!/usr/bin/env bash
# Catch-up at disk speed (issue 11, part 6; docs/BENCHMARKS.md, "Issue 11, part 6: catch-up").
# One run:
#  1. starts n1, n2, n3 on loopback (todo launch), waits until the replica set holds all three,
#     SIGKILLs n3 and waits until n1 and n2 see only each other;
#  2. writes CHANGES acknowledged POST /add_entry through n1 and n2, round robin over LISTS lists
#     (bench/catch-up-write.lua, one wrk per node), until n1's file holds them; waits until n1's
#     and n2's copies of those lists agree: their positions are what n3 must reach;
#  3. runs the live mix on n1 and n2 (bench/catch-up-live.lua, one wrk -t1 -c32 per node), which
#     counts answers per 100 ms: a warm-up, then the baseline;
#  4. starts n3 again on its folder (--connect n1) and polls, every 50 ms, its /health ("up")
#     and its file (read-only) until every one of the LISTS lists is at n1's position ("caught up");
#  5. lets the live mix run on, then prints: start to up, up to caught up (the target: 5 s for
#     100,000 changes), the pull's changes/s, the live mix's rate before, while n3 caught up
#     and after, n3's catch-up counters, and the CPU seconds each node used.
# Usage: bench/catch-up.sh [--quick] [--root DIR]
#   --quick: 10,000 changes (100 lists) instead of 100,000 (1,000 lists), shorter windows.
#   --root DIR: the checkout whose ./todo starts the nodes (default: this one), e.g. a worktree
#     of an older commit, to compare before and after with the same script.
# TODO_JAVA_OPTS reaches every node (it replaces the launcher's JVM flags); BENCH_N3_JAVA_OPTS,
# when set, replaces it for n3's restart only. BENCH_JFR=DIR records n3 (and n1) with JDK Flight
# Recorder from n3's restart until it caught up, into DIR/n3.jfr and DIR/n1.jfr.
# Needs wrk, curl, jq, sqlite3, ss. Starts its own nodes on free loopback ports, with a port
# mapper of their own, in a temporary folder; ends them (by pid) and removes the folder on exit.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
source "$here/lib.sh"
lists=1000 changes=100000 warm=15 base=10 after=10 max_catch_up=300
while (( $# > 0 )); do
  case "$1" in
    --quick) lists=100 changes=10000 warm=10 base=5 after=5 max_catch_up=120 ;;
    --root) root="$(cd "$2" && pwd)"; shift ;;
    *) echo "usage: bench/catch-up.sh [--quick] [--root DIR]" >&2; exit 2 ;;
  esac
  shift
done
for tool in wrk curl jq sqlite3 ss; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 2; }
done

bench_workspace catch-up
declare -A pid=() port=() # the nodes' (each also in bench_pids, which end on exit)
loads=() # wrk processes (also in bench_pids)
trap 'exit 130' INT TERM

now_ms() { date +%s%3N; }
secs() { awk -v ms="$1" 'BEGIN { printf "%.2f", ms / 1000 }'; } # MS
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$1/stat"; }
url() { echo "http://127.0.0.1:${port[$1]}"; }
db() { echo "$work/data/$1/todo.db"; }
epmd_port="$(free_port)"

# start_node NAME [NODE_TO_CONNECT_TO]: todo launch --no-wait, which returns once the JVM runs.
start_node() {
  local name="$1" args=(launch --no-wait --db-folder "$work/data" --log-folder "$work")
  [[ -n "${2:-}" ]] && args+=(--connect "$2@127.0.0.1")
  [[ -n "${port[$name]:-}" ]] || port[$name]="$(free_port)"
  args+=("$name@127.0.0.1=${port[$name]}")
  local launched
  launched="$(TODO_COOKIE=bench ERL_EPMD_PORT="$epmd_port" "$root/todo" "${args[@]}" 2>>"$work/$name.log")" \
    || { echo "bench: todo launch $name failed" >&2; return 1; }
  pid[$name]="$(cut -d' ' -f2 <<<"$launched")"
  bench_pids+=("${pid[$name]}")
}

# until_true SECONDS WHAT COMMAND...: runs COMMAND every 0.2 s until it succeeds.
until_true() {
  local deadline=$(( $(date +%s) + $1 )) what="$2"; shift 2
  until "$@" 2>/dev/null; do
    (( $(date +%s) < deadline )) || { echo "bench: $what: not within the time allowed" >&2; return 1; }
    sleep 0.2
  done
}
healthy() { curl -sf -m 1 "$(url "$1")/health" >/dev/null; }
# sees NAME OTHERS: NAME is up and sees exactly OTHERS (comma-separated, sorted) as members.
sees() { [[ "$(curl -sf -m 2 "$(url "$1")/api/cluster" | jq -r '.nodes | sort | join(",")')" == "$2" ]]; }
set_size() { [[ "$(curl -sf -m 2 "$(url "$1")/api/cluster" | jq -r '.replicaSet.nodes | length')" == "$2" ]]; }
# positions NAME: every bench list's position in NAME's file, one line, in name order.
positions() {
  sqlite3 -readonly "$(db "$1")" \
    "SELECT group_concat(name || '=' || version || '/' || epoch, ' ') FROM (SELECT * FROM lists WHERE name LIKE 'catchup%' ORDER BY name)"
}
stored_changes() { sqlite3 -readonly "$(db "$1")" "SELECT coalesce(sum(version), 0) FROM lists WHERE name LIKE 'catchup%'"; }
metric() { curl -sf -m 2 "$(url "$1")/metrics" | awk -v k="$2" '$1 == k { printf "%d", $2 }'; } # NAME METRIC
# rate FROM_MS TO_MS: the live mix's 2xx answers per second (and other answers) in that window, from both wrk.
rate() {
  cat "$work"/live.*.buckets | awk -v a="$1" -v b="$2" '$1 >= a && $1 < b { ok += $2; other += $3 }
    END { s = (b - a) / 1000; if (s <= 0) print "n/a"; else printf "%.0f/s (%d other answers)", ok / s, other }'
}
only_each_other() { sees n1 n2@127.0.0.1 && sees n2 n1@127.0.0.1; }
all_stored() { (( $(stored_changes n1) >= changes )); }
copies_agree() { [[ "$(positions n1)" == "$(positions n2)" ]]; }
rate_ratio() { awk -v a="${1%%/*}" -v b="${2%%/*}" 'BEGIN { if (a + 0 > 0 && b ~ /^[0-9]/) printf "%.2f", b / a; else print "n/a" }'; }

echo "# command: ${TODO_JAVA_OPTS:+TODO_JAVA_OPTS='$TODO_JAVA_OPTS' }${BENCH_N3_JAVA_OPTS:+BENCH_N3_JAVA_OPTS='$BENCH_N3_JAVA_OPTS' }bench/catch-up.sh $* (nodes from $root)"
echo "# date: $(date -u '+%F %T UTC'), $(nproc) cores, $(java -version 2>&1 | head -1), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# commit of the nodes: $(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown); $changes changes over $lists lists"
"$root/todo" version >/dev/null # builds the jar now if it is stale, not during a measurement

start_node n1
until_true 120 "n1 serves" healthy n1
start_node n2 n1
start_node n3 n1
until_true 120 "the replica set holds n1, n2 and n3" set_size n1 3
until_true 60 "n3 sees n1 and n2" sees n3 "n1@127.0.0.1,n2@127.0.0.1"
kill -9 "${pid[n3]}"; unset 'pid[n3]'
until_true 60 "n1 and n2 see only each other" only_each_other
echo "$(date -u +%T) 3 nodes formed; n3 killed (SIGKILL)"

t_w0="$(now_ms)"
for n in n1 n2; do
  BENCH_SEED="${n#n}" wrk -t1 -c16 -d600s -s "$here/catch-up-write.lua" "$(url "$n")" -- catchup "$lists" >"$work/write.$n.out" 2>&1 &
  loads+=("$!"); bench_pids+=("$!")
done
until_true 600 "$changes changes stored" all_stored
kill -INT "${loads[@]}"; wait "${loads[@]}" || true; loads=()
t_w1="$(now_ms)"
until_true 60 "n1's and n2's copies agree" copies_agree
target="$(positions n1)"
stored="$(stored_changes n1)"
echo "writes: $stored changes stored on n1 and n2 in $(secs $((t_w1 - t_w0))) s ($(grep -h RESULT "$work"/write.*.out | tr '\n' ' '))"
echo "n3's file, before its restart: $(stored_changes n3) changes of these lists"

# warm-up: the live lists' first writes start their servers (a new epoch each), which the baseline must not count
for n in n1 n2; do
  BENCH_SEED="${n#n}" wrk -t1 -c32 -d"${warm}s" -s "$here/catch-up-live.lua" "$(url "$n")" >"$work/warm.$n.out" 2>&1 &
  loads+=("$!"); bench_pids+=("$!")
done
wait "${loads[@]}" || true; loads=()
echo "live mix warm-up, ${warm} s: $(grep -h RESULT "$work"/warm.*.out | tr '\n' ' ')"
for n in n1 n2; do
  BENCH_SEED="${n#n}" BENCH_BUCKETS="$work/live.$n.buckets" wrk -t1 -c32 -d900s -s "$here/catch-up-live.lua" "$(url "$n")" >"$work/live.$n.out" 2>&1 &
  loads+=("$!"); bench_pids+=("$!")
done
t_l0="$(now_ms)"
sleep "$((1 + base))"

cpu0="n1=$(cpu_s "${pid[n1]}") n2=$(cpu_s "${pid[n2]}")"
t_start="$(now_ms)"
TODO_JAVA_OPTS="${BENCH_N3_JAVA_OPTS:-${TODO_JAVA_OPTS:-}}" start_node n3 n1
if [[ -n "${BENCH_JFR:-}" ]]; then
  mkdir -p "$BENCH_JFR"
  until_true 30 "JFR on n3" jcmd "${pid[n3]}" JFR.start name=catchup settings=profile >/dev/null
  jcmd "${pid[n1]}" JFR.start name=catchup settings=profile >/dev/null
fi
t_up="" t_done=""
deadline=$(( t_start + max_catch_up * 1000 ))
while [[ -z "$t_done" ]]; do
  t="$(now_ms)"
  (( t < deadline )) || { echo "bench: n3 did not catch up in ${max_catch_up} s ($(stored_changes n3) of $stored changes)" >&2; exit 1; }
  kill -0 "${pid[n3]}" 2>/dev/null || { echo "bench: n3 exited" >&2; exit 1; }
  [[ -z "$t_up" ]] && healthy n3 && t_up="$(now_ms)"
  [[ "$(positions n3 2>/dev/null)" == "$target" ]] && t_done="$(now_ms)"
  sleep 0.05
done
[[ -n "$t_up" ]] || { until_true 60 "n3 serves" healthy n3; t_up="$(now_ms)"; }
cpu1="n1=$(cpu_s "${pid[n1]}") n2=$(cpu_s "${pid[n2]}") n3=$(cpu_s "${pid[n3]}")"
if [[ -n "${BENCH_JFR:-}" ]]; then
  jcmd "${pid[n3]}" JFR.dump name=catchup filename="$BENCH_JFR/n3.jfr" >/dev/null
  jcmd "${pid[n1]}" JFR.dump name=catchup filename="$BENCH_JFR/n1.jfr" >/dev/null
fi
sleep "$after"
t_l1="$(now_ms)"
kill -INT "${loads[@]}"; wait "${loads[@]}" || true; loads=()

up_ms=$((t_done - t_up)); (( up_ms > 0 )) || up_ms=0
echo "## n3 restarted on its folder: $(stored_changes n3) changes of these lists now"
clock() { date -u -d "@${1:0:-3}.${1: -3}" +%T.%3N; }
echo "  n3 started $(clock "$t_start"), served /health $(clock "$t_up"), held every change $(clock "$t_done")"
echo "catch-up RESULT start_to_up_s=$(secs $((t_up - t_start))) up_to_caught_up_s=$(secs "$up_ms") start_to_caught_up_s=$(secs $((t_done - t_start))) changes=$((stored))"
first="$(grep -m1 'Catching up from' "$work/n3.log" || true)"
echo "  n3's catch-up lines: ${first:-none}"
grep 'Caught up from' "$work/n3.log" | head -3 | sed 's/^/  /' || true
echo "  n3's counters: lists=$(metric n3 todo_catchup_lists_total) changes=$(metric n3 todo_catchup_changes_total) asks=$(metric n3 todo_catchup_asks_total) writes=$(metric n3 todo_catchup_writes_total) store_commits=$(metric n3 todo_store_commits_total)"
echo "  CPU seconds (n1, n2 before and after; n3 since its start): $cpu0 -> $cpu1, over $(secs $((t_done - t_start))) s"
before="$(rate $((t_l0 + 1000)) "$t_start")"
during="$(rate "$t_up" "$t_done")"
whole="$(rate "$t_start" "$t_done")"
later="$(rate "$t_done" "$t_l1")"
echo "live RESULT before=$before   (n3 down: 2 replicas)"
echo "live RESULT during_up_to_caught_up=$during ratio=$(rate_ratio "$before" "$during") to_after=$(rate_ratio "$later" "$during")"
echo "live RESULT during_start_to_caught_up=$whole ratio=$(rate_ratio "$before" "$whole") to_after=$(rate_ratio "$later" "$whole")"
echo "live RESULT after=$later ratio=$(rate_ratio "$before" "$later")   (n3 caught up: 3 replicas)"
echo "  (the live mix: $(grep -h RESULT "$work"/live.*.out | tr '\n' ' '))"
# bench/run's figures (its contract: bench/run's head). The live ratio compares the mix while
# n3 caught up with the mix once it had (three replicas both times), as the rate with n3
# down is of two replicas.
if (( changes == 100000 )); then
  echo "RESULT catchup.seconds_100k=$(secs "$up_ms") s from n3's /health until its file held all $changes changes"
else
  echo "RESULT catchup.seconds_${changes}=$(secs "$up_ms") s target=<=$(awk -v c="$changes" 'BEGIN { print 5 * c / 100000 }') the --quick form: $changes changes"
fi
echo "RESULT catchup.live_ratio=$(rate_ratio "$later" "$during") ratio the live mix while n3 caught up ($during) over after ($later)"
echo "# done; load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
