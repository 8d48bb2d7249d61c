-- Shared by the wrk scripts of bench/ (loaded with dofile): bench_result(summary, latency)
-- prints the RESULT line the bench scripts read.
-- bench_histogram(latency): writes wrk's latency histogram, one "microseconds count" line
-- per recorded value, to the file named by the BENCH_HIST environment variable (when set),
-- so that bench/cluster.sh can pool the percentiles of several wrk processes.
-- bench_seed(): a random seed per wrk process and thread (wrk threads and wrk processes
-- started in the same second would otherwise draw the same lists).
local thread_id = 0
setup = function(thread)
  thread_id = thread_id + 1
  thread:set("bench_thread_id", thread_id)
end

function bench_seed()
  local salt = tonumber(os.getenv("BENCH_SEED") or "0") or 0
  math.randomseed(os.time() * 1000 + salt * 100 + (bench_thread_id or 0))
end

function bench_histogram(latency)
  local file = os.getenv("BENCH_HIST")
  if not file or file == "" then return end
  local out = assert(io.open(file, "w"))
  for i = 1, #latency do
    local value, count = latency(i)
    out:write(string.format("%d %d\n", value, count))
  end
  out:close()
end

function bench_result(summary, latency)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  -- errors = non2xx (503: not stored on a majority in time, or no answer from the list's
  -- server in todo.ask-timeout) + timeouts (no answer in wrk's 2 s) + socket errors
  io.write(string.format("RESULT requests=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d non2xx=%d timeouts=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors, summary.errors.status, summary.errors.timeout))
end

-- The default report: a script that wants more defines its own done after loading this file.
done = function(summary, latency, requests)
  bench_result(summary, latency)
end
