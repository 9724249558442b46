-- wrk script: `depth` requests pipelined per send (wrk -s report.lua -- 16),
-- and one JSON line of figures at the end for the http scenario to read.
init = function(args)
  local depth = tonumber(args[1]) or 1
  local requests = {}
  for i = 1, depth do requests[i] = wrk.format() end
  pipelined = table.concat(requests)
end

request = function()
  return pipelined
end

-- The share of the latency samples latency:percentile() can reach, in %.
-- wrk corrects for coordinated omission by adding samples at multiples of
-- an interval it derives from the request count; under pipelining (16
-- requests a send) that interval is 16 times too short and the samples it
-- adds fall below the smallest one recorded, where percentile() never
-- walks: ranked against a count that includes them, p99 read 0 (wg/wrk
-- issue 236). percentile(p) is 0 exactly when p is past this share.
local function reachable(latency)
  if latency:percentile(100) > 0 then return 100 end
  local low, high = 0, 100
  for _ = 1, 40 do
    local middle = (low + high) / 2
    if latency:percentile(middle) > 0 then low = middle else high = middle end
  end
  return low
end

done = function(summary, latency, requests)
  local e = summary.errors
  local share = reachable(latency)
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"errors":%d}\n',
    summary.requests, summary.duration, latency:percentile(0.50 * share), latency:percentile(0.99 * share),
    e.connect + e.read + e.write + e.status + e.timeout))
end
