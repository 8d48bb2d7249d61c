-- The changes a node misses in bench/catch-up.sh: POST /add_entry, round robin over the
-- lists PREFIX1..PREFIXN (wrk args: PREFIX N, default catchup 1000), from a random list on.
-- Each is acknowledged once a majority stored it; the script stops wrk once the lists hold
-- as many changes as it wants (it reads a node's file), so wrk's -d is only an upper bound.
-- Run: wrk -t1 -c16 -d600s -s bench/catch-up-write.lua http://127.0.0.1:PORT -- catchup 1000
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "histogram.lua")
local prefix, lists, counter = "catchup", 1000, 0

init = function(args)
  prefix = args[1] or prefix
  lists = tonumber(args[2]) or lists
  bench_seed()
  counter = math.random(1, lists)
end

request = function()
  counter = counter + 1
  return wrk.format("POST", "/add_entry?list=" .. prefix .. (counter % lists + 1) .. "&date=2018-12-19&title=e" .. counter, nil, "")
end
