-- wrk script: PUT a new resource group per request (unique names per thread), bearer token from TOKEN.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local counter = 0
local headers = { ["Authorization"] = "Bearer " .. os.getenv("TOKEN"), ["Content-Type"] = "application/json" }
local body = '{"location":"japaneast","tags":{"bench":"put"}}'
request = function()
  counter = counter + 1
  return wrk.format("PUT", os.getenv("GROUPS_PATH") .. "/b" .. os.getenv("RUN") .. "-" .. tid .. "-" .. counter
    .. "?api-version=2022-09-01", headers, body)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d duration_us=%d non2xx=%d socket_errors=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
