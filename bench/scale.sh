#!/usr/bin/env bash
# Many lists and many servers on one node (issue 11; docs/BENCHMARKS.md, "Issue 11: 1,000,000
# lists and 100,000 servers"). One node (a one-node cluster, `todo start`):
#  1. started on a new folder, it writes one list through HTTP (3 add_entry: its lists, epochs,
#     entries and requests rows), and stops (SIGTERM); started again and stopped, for the start
#     of a node that holds one list: the baseline;
#  2. bench/ScaleLists.java copies that list's rows, as the node wrote them, into LISTS lists
#     (list0000001...) in its file, the node stopped: what LISTS lists written through HTTP leave;
#  3. the node starts on that file: seconds from its process's start to GET /health answering,
#     and to the first read of a list answering;
#  4. the first read (GET /entries) of COLD lists that have no server yet, spread over the file,
#     one after another on one connection: p50 and max;
#  5. heap after a full GC (jcmd GC.class_histogram, which runs one), then SERVERS lists read once
#     each (curl --parallel, 8 at a time) so that each has a server (todo.server-expiry is set
#     to an hour), heap after a full GC again: bytes per server, and beyond their entries (the
#     histogram's todo.list.Entry, LocalDate and RedBlackTree$Tree, and 48 bytes per title: a
#     String and its bytes). The classes that grew most per server are printed (the profile).
# Usage: bench/scale.sh [--quick] [--lists N] [--servers N] [--cold N]
#   full: 1,000,000 lists, 100,000 servers, 100 cold reads; --quick: 100,000, 10,000 and 50.
# The node runs with the launcher's flags but -Xmx2g (100,000 servers' entries and Pekko's
# state for them may not fit in the launcher's 512 MiB); TODO_JAVA_OPTS replaces them all.
# RESULT lines: lists1m.start_s, lists1m.cold_read_ms (the p50), servers100k.heap_b_per_server
# (beyond their entries) and the raw figures beside them; with fewer lists or servers than the
# targets' the names say so (lists100k.*, servers10k.*), as bench/run's targets are for the full size.
# Needs curl and jcmd (the JDK's). A free loopback port, a temporary folder; the node is ended by pid.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
source "$here/lib.sh"
lists=1000000 servers=100000 cold=100
while (( $# )); do
  case "$1" in
    --quick) lists=100000 servers=10000 cold=50 ;;
    --lists) lists="$2"; shift ;;
    --servers) servers="$2"; shift ;;
    --cold) cold="$2"; shift ;;
    *) echo "usage: bench/scale.sh [--quick] [--lists N] [--servers N] [--cold N]" >&2; exit 2 ;;
  esac
  shift
done
(( servers <= lists )) || { echo "bench: --servers must be at most --lists" >&2; exit 2; }
for tool in curl jcmd java; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 2; }
done
bench_workspace scale
flags="${TODO_JAVA_OPTS:-$(launcher_flags | sed 's/-Xmx[0-9]*[mMgG]/-Xmx2g/')}"
http="$(free_port)" epmd="$(free_port)"
db="$work/data/n1/todo.db"
jar="$root/service/target/todo.jar"
echo "# command: ${TODO_JAVA_OPTS:+TODO_JAVA_OPTS='$TODO_JAVA_OPTS' }bench/scale.sh $* (in $root): $lists lists, $servers servers, $cold cold reads"
echo "# date: $(date -u '+%F %T UTC'), $(nproc) cores, $(java -version 2>&1 | head -1), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# commit: $(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown); JVM flags: $flags"
"$root/todo" version >/dev/null # builds the jar now if it is stale, not during a measurement

now_ns() { date +%s%N; }
secs_since() { awk -v a="$1" -v b="$(now_ns)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'; }

# start: the node in the background, its pid in node; started: when its process began (ns).
start() {
  started=$(now_ns)
  TODO_JAVA_OPTS="$flags" TODO_COOKIE=bench ERL_EPMD_PORT="$epmd" TODO_HTTP_HOST=127.0.0.1 TODO_SERVER_EXPIRY=3600 \
    "$root/todo" start --name n1@127.0.0.1 --http-port "$http" --db-folder "$work/data" >>"$work/node.log" 2>&1 &
  node=$!; bench_pids+=("$node")
}

# until_answers PATH: polls until GET PATH answers 200 (every 20 ms, 5 minutes at most).
until_answers() {
  local deadline=$((SECONDS + 300))
  until curl -sf -m 5 -o /dev/null "http://127.0.0.1:$http$1"; do
    kill -0 "$node" 2>/dev/null || { echo "bench: the node exited"; return 1; }
    (( SECONDS < deadline )) || { echo "bench: $1 did not answer"; return 1; }
    sleep 0.02
  done
}

# stop: SIGTERM (a graceful leave: the store closes), and wait until the process is gone.
stop() { kill -TERM "$node"; wait "$node" 2>/dev/null || true; }

name() { printf 'list%07d' "$1"; }
servers_up() { grep -c 'Starting to-do server' "$work/node.log" || true; }

# heap LABEL: the live heap after a full GC (GC.class_histogram runs one), saved as $work/LABEL.histo; prints its bytes.
heap() {
  jcmd "$node" GC.class_histogram >"$work/$1.histo"
  awk '$1 == "Total" { print $3 }' "$work/$1.histo"
}

# histo_bytes FILE CLASS / histo_count FILE CLASS: a class's bytes / instances in a histogram.
histo_bytes() { awk -v c="$2" '$4 == c { b += $3 } END { print b + 0 }' "$1"; }
histo_count() { awk -v c="$2" '$4 == c { n += $2 } END { print n + 0 }' "$1"; }

# ---- 1. a node writes one list; its start with one list, the baseline
start
until_answers /health
for title in Dentist Shopping Gym; do
  curl -sf -d '' "http://127.0.0.1:$http/add_entry?list=template&date=2018-12-19&title=$title" >/dev/null
done
stop
start
until_answers /health; base_health=$(secs_since "$started")
until_answers "/entries?list=template&date=2018-12-19"; base_read=$(secs_since "$started")
stop
echo "start with 1 list: /health after ${base_health} s, first read after ${base_read} s"

# ---- 2. the file gets LISTS copies of that list
java -cp "$jar" "$here/ScaleLists.java" "$db" template list "$lists"
echo "file: $(du -m "$db" | cut -f1) MiB"

# ---- 3. the node starts on LISTS lists
start
until_answers /health; health=$(secs_since "$started")
until_answers "/entries?list=$(name 1)&date=2018-12-19"; first=$(secs_since "$started")
echo "start with $lists lists: /health after ${health} s, first read after ${first} s"

# ---- 4. first reads of cold lists, spread over the file, one after another on one connection
: >"$work/cold.curl"
for i in $(seq 1 "$cold"); do
  printf 'url = "http://127.0.0.1:%s/entries?list=%s&date=2018-12-19"\noutput = "/dev/null"\n' "$http" "$(name $(( (i - 1) * (lists / cold) + 2 )))" >>"$work/cold.curl"
done
curl -s -K "$work/cold.curl" -w '%{http_code} %{time_total}\n' >"$work/cold.times" 2>&1 || true
[[ "$(grep -c '^200 ' "$work/cold.times")" == "$cold" ]] || { echo "bench: not every cold read answered 200:"; sort "$work/cold.times" | uniq -c | head; exit 1; }
read -r cold_p50 cold_p90 cold_max < <(awk '{ print $2 * 1000 }' "$work/cold.times" | sort -n |
  awk '{ v[NR] = $1 } END { printf "%.1f %.1f %.1f\n", v[int((NR + 1) / 2)], v[int(NR * 0.9 + 0.5)], v[NR] }')
echo "first reads of $cold cold lists: p50 ${cold_p50} ms, p90 ${cold_p90} ms, max ${cold_max} ms"

# ---- 5. heap per server
sleep 2 # the last servers' starts have settled
s0=$(servers_up); h0=$(heap before)
awk -v port="$http" -v n="$servers" 'BEGIN { for (i = 1; i <= n; i++)
  printf "url = \"http://127.0.0.1:%s/entries?list=list%07d&date=2018-12-19\"\noutput = \"/dev/null\"\n", port, i }' >"$work/touch.curl"
t0=$(now_ns)
curl -s -Z --parallel-max 8 -K "$work/touch.curl" -w '%{http_code}\n' >"$work/touch.codes" 2>&1 || true
touch_s=$(secs_since "$t0")
ok=$(grep -c '^200$' "$work/touch.codes" || true)
echo "read $servers lists once each in ${touch_s} s: $ok answered 200"
for _ in $(seq 1 100); do # each server's start is logged as it begins; wait for the last ones to settle
  s1=$(servers_up); sleep 1
  [[ "$(servers_up)" == "$s1" ]] && break
done
h1=$(heap after)
added=$(( s1 - s0 ))
(( added > 0 )) || { echo "bench: no server started"; exit 1; }
entries=$(( $(histo_count "$work/after.histo" todo.list.Entry) - $(histo_count "$work/before.histo" todo.list.Entry) ))
entry_bytes=0
for c in todo.list.Entry java.time.LocalDate 'scala.collection.immutable.RedBlackTree$Tree'; do
  entry_bytes=$(( entry_bytes + $(histo_bytes "$work/after.histo" "$c") - $(histo_bytes "$work/before.histo" "$c") ))
done
entry_bytes=$(( entry_bytes + entries * 48 )) # each title: a String (24 bytes) and its byte[] (24 for up to 8 Latin-1 characters)
per_server=$(ratio $(( h1 - h0 )) "$added" %.0f)
beyond=$(ratio $(( h1 - h0 - entry_bytes )) "$added" %.0f)
echo "heap after a full GC: $h0 bytes with $s0 servers, $h1 with $s1; $entries entries ($entry_bytes bytes) more"
echo "## the classes that grew most, bytes per server (instances per server):"
awk -v n="$added" 'FNR == NR && $1 ~ /^[0-9]+:$/ { b[$4] = $3; c[$4] = $2; next }
  $1 ~ /^[0-9]+:$/ { d = $3 - b[$4]; if (d > 0) printf "%8.1f %7.2f %s\n", d / n, ($2 - c[$4]) / n, $4 }' \
  "$work/before.histo" "$work/after.histo" | sort -rn | head -25

# ---- figures, named for the size measured (bench/run's targets are for 1,000,000 lists and 100,000 servers)
size() { if (( $1 % 1000000 == 0 )); then echo "$(( $1 / 1000000 ))m"; elif (( $1 % 1000 == 0 )); then echo "$(( $1 / 1000 ))k"; else echo "$1"; fi; }
lists_name="lists$(size "$lists")" servers_name="servers$(size "$servers")"
result "$lists_name.start_s" "$health" s "process start to GET /health answering, $lists lists in the file (1 list: $base_health s, same run)"
result "$lists_name.first_read_s" "$first" s "process start to the first read of a list answering (1 list: $base_read s)"
result "$lists_name.cold_read_ms" "$cold_p50" ms "p50 of the first read of $cold lists without a server, one after another (p90 $cold_p90 ms, max $cold_max ms)"
result "$servers_name.heap_b_per_server" "$beyond" B "heap after a full GC per list server beyond its entries' objects ($per_server B with them; $added servers, 3 entries each)"
result "$servers_name.heap_b_per_server_all" "$per_server" B "the same with the entries' objects"
stop
echo "# done; load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
