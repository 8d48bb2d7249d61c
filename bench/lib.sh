# Sourced by the workload scripts of bench/run (http-ceiling, single-node, per-write,
# cold-start, primitives, catch-up): what each of them needs the same way.
#   bench_workspace NAME   a temporary folder in $work, removed on exit, with a trap that
#                          ends by pid every process in bench_pids (and prints the last
#                          lines of each log in $work when the script fails)
#   free_port              a loopback port nothing listens on now
#   launcher_flags         the JVM flags ./todo gives a node by default
#   result NAME VALUE UNIT [NOTE...]   a figure for bench/run (its contract: bench/run's head)
#   ratio A B [FORMAT]     A / B, 0 when B is 0
#   end_pid PID            SIGKILL, and wait until the process is gone (it is not our child)
#   print_logs             the last lines of each log in $work (what a failed run shows)
# Before sourcing, set `root` (the checkout).

bench_pids=()

bench_workspace() {
  work="$(mktemp -d -t "todo-bench-$1.XXXXXX")"
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

bench_cleanup() {
  local rc=$? p log
  for p in "${bench_pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  { wait; } 2>/dev/null || true
  (( rc == 0 )) || print_logs
  rm -rf "$work"
}

print_logs() {
  local log
  for log in "$work"/*.log; do [[ -f "$log" ]] && { echo "--- last lines of $(basename "$log")"; tail -n 15 "$log"; }; done
}

# Picked at random above 20000, below the kernel's own ephemeral ports (32768 and up); a
# race with another program is still possible, and would show as a node that cannot bind.
free_port() {
  local p
  while :; do
    p=$(( 20000 + RANDOM % 12000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
  done
}

launcher_flags() { sed -n 's/^default_java_opts=(\(.*\))$/\1/p' "$root/todo"; }

result() {
  local name="$1" value="$2" unit="$3"; shift 3
  echo "RESULT $name=$value $unit${*:+ $*}"
}

ratio() { awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" 'BEGIN { printf f, (b > 0 ? a / b : 0) }'; }

end_pid() {
  kill -9 "$1" 2>/dev/null || true
  while [[ -e "/proc/$1" ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; do sleep 0.05; done
}
