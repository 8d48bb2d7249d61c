#!/usr/bin/env bash
# The yardstick for majority-acknowledged, synced writes (issue 11): etcd 3.4 (Debian's
# etcd-server, installed with apt-get when missing), 3 members on loopback, beside our
# 3-node cluster, in one run. Both are driven with wrk in the same three shapes, -t2 -c28:
#   writes  etcd: PUT through its v3 JSON gateway (/v3/kv/put) of one of 1,000 x 30 keys;
#           ours: POST /add_entry to one of 1,000 lists (bench/add-many-lists.lua);
#   reads   etcd: a linearizable /v3/kv/range of one such key; ours: GET /entries of one
#           list and date (bench/read-many-lists.lua), of the lists the writes filled;
#   mix     4 reads for every write (bench/etcd-kv.lua mix; bench/load-mix.lua).
# etcd is driven through one member, ours through one node (n1), each after a warm-up of
# every shape; the systems alternate, shape by shape, and the second round starts with ours.
# Per run it also prints the CPU the 3 members or nodes used per request, in ms.
# Usage: bench/etcd.sh [--quick]   (quick: 1 round of 5 s runs; full: 2 rounds of 15 s)
# Prints RESULT etcd.writes_ratio, etcd.reads_ratio, etcd.mix_ratio (ours over etcd's
# requests/s, each the mean of the rounds) and the rates and p99s they come from.
# Needs wrk, curl, and root for apt-get when etcd is not installed. Starts everything on free
# loopback ports in a temporary folder and ends it by pid.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
case "${1:-}" in
  --quick) rounds=1; secs=5; warm=3 ;;
  "") rounds=2; secs=15; warm=5 ;;
  *) echo "usage: bench/etcd.sh [--quick]" >&2; exit 2 ;;
esac
if ! command -v etcd >/dev/null; then
  echo "# etcd is missing: apt-get install etcd-server"
  (( EUID == 0 )) || { echo "bench: installing etcd-server needs root" >&2; exit 2; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server >/dev/null
fi
bench_name=etcd
source "$here/nodes.sh"
declare -A etcd_pid=() client_port=()
hz="$(getconf CLK_TCK)"

# start_etcd: members e1 e2 e3, each with a client and a peer port, data under $work/etcd.
start_etcd() {
  local m peers=() cluster
  declare -A peer_port=()
  for m in e1 e2 e3; do client_port[$m]="$(free_port)"; peer_port[$m]="$(free_port)"; peers+=("$m=http://127.0.0.1:${peer_port[$m]}"); done
  cluster="$(IFS=,; echo "${peers[*]}")"
  for m in e1 e2 e3; do
    etcd --name "$m" --data-dir "$work/etcd/$m" \
      --listen-client-urls "http://127.0.0.1:${client_port[$m]}" --advertise-client-urls "http://127.0.0.1:${client_port[$m]}" \
      --listen-peer-urls "http://127.0.0.1:${peer_port[$m]}" --initial-advertise-peer-urls "http://127.0.0.1:${peer_port[$m]}" \
      --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token bench >"$work/$m.log" 2>&1 &
    etcd_pid[$m]=$!
    extra_pids+=($!)
  done
  for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:${client_port[e1]}/health" 2>/dev/null | grep -q '"health":"true"' && {
      echo "# etcd: $(etcd --version | sed -n 1p), members e1 e2 e3 (pids ${etcd_pid[*]}), driven through e1 on port ${client_port[e1]}"
      return 0; }
    sleep 0.1
  done
  echo "bench: etcd did not become healthy" >&2; tail -5 "$work/e1.log" >&2; return 1
}

# cpu_of SYSTEM: CPU ticks used so far by its three processes.
cpu_of() {
  local total=0 p
  if [[ "$1" == etcd ]]; then for p in "${etcd_pid[@]}"; do total=$((total + $(cpu_ticks "$p"))); done
  else for p in "${pid[@]}"; do total=$((total + $(cpu_ticks "$p"))); done; fi
  echo "$total"
}

# drive SYSTEM SHAPE SECS: one wrk run; prints its RESULT line and the CPU per request.
drive() {
  local url args c0 c1 out
  if [[ "$1" == etcd ]]; then url="http://127.0.0.1:${client_port[e1]}"; args=(-s "$here/etcd-kv.lua" "$url" -- "$2" bench)
  else
    url="http://127.0.0.1:${port[n1]}"
    case "$2" in
      writes) args=(-s "$here/add-many-lists.lua" "$url" -- bench) ;;
      reads) args=(-s "$here/read-many-lists.lua" "$url" -- bench) ;;
      mix) args=(-s "$here/load-mix.lua" "$url") ;;
    esac
  fi
  c0="$(cpu_of "$1")"
  out="$(wrk -t2 -c28 -d"${3}s" --latency "${args[@]}" | grep '^RESULT')"
  c1="$(cpu_of "$1")"
  awk -v o="$out" -v d="$((c1 - c0))" -v hz="$hz" 'BEGIN {
    split(o, f, " "); for (i in f) { split(f[i], kv, "="); v[kv[1]] = kv[2] }
    printf "%s cpu_ms_per_request=%.3f\n", o, (v["requests"] > 0 ? d / hz * 1000 / v["requests"] : 0) }'
}

bench_header "$@"
start_etcd
start_cluster n1 n2 n3
shapes=(writes reads mix)
echo "## warm-up: ${warm} s of each shape on each system"
for s in "${shapes[@]}"; do drive etcd "$s" "$warm" >/dev/null; drive ours "$s" "$warm" >/dev/null; done
echo "## ${rounds} round(s) of ${secs} s runs, wrk -t2 -c28, the systems alternating"
for r in $(seq 1 "$rounds"); do
  if (( r % 2 )); then order=(etcd ours); else order=(ours etcd); fi
  for s in "${shapes[@]}"; do
    for sys in "${order[@]}"; do
      line="$(drive "$sys" "$s" "$secs")"
      echo "round=$r $sys $s $line"
      echo "$sys $s $line" >>"$work/runs"
    done
  done
done

# mean SYSTEM SHAPE FIELD: the mean of a field over the rounds.
mean() { awk -v s="$1" -v sh="$2" -v k="$3" '$1 == s && $2 == sh { for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) { t += kv[2]; n++ } } }
  END { printf "%.2f", n ? t / n : 0 }' "$work/runs"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
for s in "${shapes[@]}"; do
  ours="$(mean ours "$s" rps)"; theirs="$(mean etcd "$s" rps)"
  echo "RESULT etcd.${s}_ratio=$(ratio "$ours" "$theirs") ratio ours $ours req/s (p99 $(mean ours "$s" p99_ms) ms, $(mean ours "$s" cpu_ms_per_request) ms CPU per request on 3 nodes) / etcd $theirs req/s (p99 $(mean etcd "$s" p99_ms) ms, $(mean etcd "$s" cpu_ms_per_request) ms CPU per request on 3 members), wrk -t2 -c28 -d${secs}s through one node, mean of $rounds round(s)"
  echo "RESULT etcd.ours_${s}_rps=$ours req/s"
  echo "RESULT etcd.etcd_${s}_rps=$theirs req/s"
done
echo "# done in $(( $(date +%s) - started_at )) s; load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
