-- Adds only, all to one list (wrk arg 1): fills a list for bench/single-node.sh.
-- Run: wrk -t1 -c16 -d10s --latency -s bench/add-one-list.lua http://127.0.0.1:PORT -- LIST
local list = "big"
local counter = 0
init = function(args) if args[1] then list = args[1] end end

request = function()
  counter = counter + 1
  return wrk.format("POST", "/add_entry?list=" .. list .. "&date=2018-12-19&title=entry" .. counter, nil, "")
end

-- the RESULT line, as every bench script prints it
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "histogram.lua")
