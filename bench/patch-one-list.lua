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

-- the RESULT line, as every bench script prints it
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "histogram.lua")
