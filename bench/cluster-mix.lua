-- The load mix of bench/load-mix.lua, unchanged (1,000 lists, 30 dates, 4 reads : 1 write),
-- plus what bench/cluster.sh needs to run it as one of three wrk processes: a seed of its
-- own per process (env BENCH_SEED) and its latency histogram (env BENCH_HIST) for pooling.
-- Run: BENCH_SEED=1 BENCH_HIST=/tmp/h1 wrk -t1 -c21 -d15s --latency -s bench/cluster-mix.lua http://127.0.0.1:PORT
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "load-mix.lua")
dofile(dir .. "histogram.lua")

init = function(args) bench_seed() end

done = function(summary, latency, requests)
  bench_result(summary, latency)
  bench_histogram(latency)
end
