#!/usr/bin/env bash
# Where a one-node cluster's time goes under the book mix, reads only and writes only: one node
# (with the launcher's flags, TODO_JAVA_OPTS else ./todo's, plus a GC log), a warm-up of the
# mix, then for each workload a JDK Flight Recorder recording (settings=profile), `vmstat 1`
# beside it, wrk -t2 -c28 and the node's CPU ticks (1/100 s, /proc/PID/stat) over the run.
# Usage: bench/single-profile.sh CHECKOUT OUTDIR [SECONDS (8)]   (not a bench/run workload: no RESULT lines)
# Files in OUTDIR: results.txt, WORKLOAD.jfr, vmstat-WORKLOAD.txt, gc-PID.log (read the .jfr with
# `jfr summary` / `jfr print --events jdk.ExecutionSample`). Wrap it in flock on a shared machine.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
source "$here/lib.sh"
checkout="$(cd "$1" && pwd)"; out="$2"; secs="${3:-8}"
mkdir -p "$out"; out="$(cd "$out" && pwd)"
bench_workspace single-profile
port="$(free_port)"
opts="${TODO_JAVA_OPTS:-$(launcher_flags)} -Xlog:gc:file=$out/gc-%p.log"
launched="$(TODO_JAVA_OPTS="$opts" TODO_COOKIE=bench ERL_EPMD_PORT="$(free_port)" "$checkout/todo" launch \
  --db-folder "$work/data" --log-folder "$work" "bench@127.0.0.1=$port" 2>"$work/launch.log")" \
  || { echo "bench: the node did not start"; cat "$work/launch.log"; exit 1; }
pid="$(cut -d' ' -f2 <<<"$launched")"; bench_pids+=("$pid")
url="http://127.0.0.1:$port"
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
echo "# $(date -u '+%F %T') UTC, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $checkout, JVM flags: $opts"
echo "warm-up, the mix: $(wrk -t2 -c28 -d"$((secs + 2))s" -s "$here/load-mix.lua" "$url" | grep '^RESULT' | cut -d' ' -f2-)"
for w in mix:load-mix.lua reads:read-many-lists.lua writes:add-many-lists.lua; do
  name="${w%%:*}" script="${w#*:}"
  jcmd "$pid" JFR.start name="$name" settings=profile filename="$out/$name.jfr" >/dev/null
  vmstat 1 >"$out/vmstat-$name.txt" & vmstat_pid=$!
  t0="$(cpu_ticks)"
  r="$(wrk -t2 -c28 -d"${secs}s" --latency -s "$here/$script" "$url" -- list | grep '^RESULT' | cut -d' ' -f2-)"
  t1="$(cpu_ticks)"
  kill "$vmstat_pid"
  jcmd "$pid" JFR.stop name="$name" >/dev/null
  echo "$name $r node_cpu_ticks=$(( t1 - t0 ))" | tee -a "$out/results.txt"
done
