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

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"errors":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
