-- The load mix of bench/load-mix.lua for bench/catch-up.sh, which needs the rate of any
-- window of one long run: it also counts answers per 100 ms of wall-clock time, and done()
-- writes "MS OK OTHER" lines (the window's start in ms since the epoch, 2xx answers, others)
-- to the file BENCH_BUCKETS names. BENCH_SEED: a seed of its own per wrk process.
-- Run: BENCH_BUCKETS=/tmp/b wrk -t1 -c32 -d60s -s bench/catch-up-live.lua http://127.0.0.1:PORT
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "load-mix.lua")
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_usec; } bench_timeval;
  int gettimeofday(bench_timeval *tv, void *tz);
]]
local tv = ffi.new("bench_timeval")
local function window()
  ffi.C.gettimeofday(tv, nil)
  return math.floor(tonumber(tv.tv_sec) * 10 + tonumber(tv.tv_usec) / 100000)
end

-- per thread, read back by done() through thread:get
ok = {}
other = {}

local threads = {}
local number_thread = setup
setup = function(thread)
  number_thread(thread)
  table.insert(threads, thread)
end

init = function(args) bench_seed() end

response = function(status, headers, body)
  local w = window()
  if status < 300 then ok[w] = (ok[w] or 0) + 1 else other[w] = (other[w] or 0) + 1 end
end

done = function(summary, latency, requests)
  bench_result(summary, latency)
  local file = os.getenv("BENCH_BUCKETS")
  if not file or file == "" then return end
  local okAll, otherAll, seen = {}, {}, {}
  for _, t in ipairs(threads) do
    for w, n in pairs(t:get("ok")) do okAll[w] = (okAll[w] or 0) + n; seen[w] = true end
    for w, n in pairs(t:get("other")) do otherAll[w] = (otherAll[w] or 0) + n; seen[w] = true end
  end
  local out = assert(io.open(file, "w"))
  for w in pairs(seen) do out:write(string.format("%d %d %d\n", w * 100, okAll[w] or 0, otherAll[w] or 0)) end
  out:close()
end
