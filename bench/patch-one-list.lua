-- Writes only, all to entry 1 of one list (wrk arg 1): the list's size stays fixed, so
-- runs against a small and a large list compare the cost of a write by list size.
-- Run: wrk -t1 -c16 -d10s --latency -s bench/patch-one-list.lua http://127.0.0.1:PORT -- LIST
local list = "big"
local counter = 0
init = function(args) if args[1] then list = args[1] end end

request = function()
  counter = counter + 1
  local body = '{"title":"entry 1, edit ' .. counter .. '"}'
  return wrk.format("PATCH", "/api/lists/" .. list .. "/entries/1", {["Content-Type"] = "application/json"}, body)
end

done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end
