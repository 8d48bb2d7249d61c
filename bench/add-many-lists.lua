-- Acknowledged writes only: POST /add_entry to 1,000 lists (wrk arg 1: their name prefix,
-- default "acked"), each answered once a majority of the replica set has stored it.
-- Run: wrk -t2 -c64 -d15s --latency -s bench/add-many-lists.lua http://127.0.0.1:PORT -- acked
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "histogram.lua")
local prefix = "acked"
local counter = 0

init = function(args)
  if args[1] then prefix = args[1] end
  bench_seed()
end

request = function()
  counter = counter + 1
  local list = prefix .. math.random(1, 1000)
  local date = string.format("2018-12-%02d", math.random(1, 30))
  return wrk.format("POST", "/add_entry?list=" .. list .. "&date=" .. date .. "&title=entry" .. counter, nil, "")
end

done = function(summary, latency, requests)
  bench_result(summary, latency)
  bench_histogram(latency)
end
