-- etcd's v3 JSON gateway in the shapes of our wrk scripts (bench/etcd.sh): wrk arg 1 is
-- "writes" (PUT of one of 1,000 lists x 30 dates, as bench/add-many-lists.lua), "reads"
-- (a linearizable range of one such key, as bench/read-many-lists.lua) or "mix" (4 reads
-- for every write, as bench/load-mix.lua); arg 2 the keys' prefix (default "list").
-- A key is PREFIX<list>/<date>; keys and values travel base64-encoded, as the gateway wants.
-- Run: wrk -t2 -c28 -d15s --latency -s bench/etcd-kv.lua http://127.0.0.1:CLIENT_PORT -- mix
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "histogram.lua")
local shape, prefix, counter = "mix", "list", 0
local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

local function b64(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = s:byte(i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    local function digit(shift) local d = math.floor(n / shift) % 64 + 1; return alphabet:sub(d, d) end
    out[#out + 1] = digit(262144) .. digit(4096) .. (b and digit(64) or "=") .. (c and digit(1) or "=")
  end
  return table.concat(out)
end

init = function(args)
  if args[1] then shape = args[1] end
  if args[2] then prefix = args[2] end
  bench_seed()
end

request = function()
  counter = counter + 1
  local key = b64(string.format("%s%d/2018-12-%02d", prefix, math.random(1, 1000), math.random(1, 30)))
  local headers = {["Content-Type"] = "application/json"}
  if shape == "writes" or (shape == "mix" and counter % 5 == 0) then
    return wrk.format("POST", "/v3/kv/put", headers, '{"key":"' .. key .. '","value":"' .. b64("entry" .. counter) .. '"}')
  end
  return wrk.format("POST", "/v3/kv/range", headers, '{"key":"' .. key .. '"}')
end
