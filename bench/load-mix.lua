-- The load mix: many clients over 1,000 lists and 30 dates, as the book's readers
-- drive their node: 4 reads (GET /entries) for every write (POST /add_entry).
-- Run: wrk -t2 -c64 -d20s --latency -s bench/load-mix.lua http://127.0.0.1:PORT
math.randomseed(os.time())
local counter = 0

request = function()
  counter = counter + 1
  local list = "list" .. math.random(1, 1000)
  local date = string.format("2018-12-%02d", math.random(1, 30))
  if counter % 5 == 0 then
    return wrk.format("POST", "/add_entry?list=" .. list .. "&date=" .. date .. "&title=entry" .. counter, nil, "")
  end
  return wrk.format("GET", "/entries?list=" .. list .. "&date=" .. date)
end

-- the RESULT line, as every bench script prints it
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "histogram.lua")
