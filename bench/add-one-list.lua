-- Adds only, all to one list (wrk arg 1): fills a list for bench/single-node.sh.
-- Run: wrk -t1 -c16 -d10s --latency -s bench/add-one-list.lua http://127.0.0.1:PORT -- LIST
local list = "big"
local counter = 0
init = function(args) if args[1] then list = args[1] end end

request = function()
  counter = counter + 1
  return wrk.format("POST", "/add_entry?list=" .. list .. "&date=2018-12-19&title=entry" .. counter, nil, "")
end

done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end
