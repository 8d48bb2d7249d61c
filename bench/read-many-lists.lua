-- Reads only: GET /entries of one of 1,000 lists (wrk arg 1: their name prefix, default
-- "list") and one of 30 dates, the read half of the book mix (bench/load-mix.lua).
-- Run: wrk -t2 -c28 -d15s --latency -s bench/read-many-lists.lua http://127.0.0.1:PORT -- acked
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "histogram.lua")
local prefix = "list"

init = function(args)
  if args[1] then prefix = args[1] end
  bench_seed()
end

request = function()
  local date = string.format("2018-12-%02d", math.random(1, 30))
  return wrk.format("GET", "/entries?list=" .. prefix .. math.random(1, 1000) .. "&date=" .. date)
end
