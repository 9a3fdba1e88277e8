-- wrk script (run with -t1): register model versions 1..TOTAL of one model over keep-alive connections, then
-- stop. Requests a connection would send past TOTAL are cheap GETs of version 1 and are not counted as
-- registrations. wrk calls request() once before sending anything (to check the script), hence the count from -1.
-- Environment: TOKEN, VERSIONS_PATH (…/models/<name>/versions), MODEL_URI, TOTAL; BODY (optional) replaces the
-- model body, e.g. an environment version's {"properties":{"image":"…"}} with VERSIONS_PATH …/environments/<name>/versions.
local total = tonumber(os.getenv("TOTAL"))
local counter = -1
local headers = { ["Authorization"] = "Bearer " .. os.getenv("TOKEN"), ["Content-Type"] = "application/json" }
local body = os.getenv("BODY") or ('{"properties":{"modelUri":"' .. os.getenv("MODEL_URI") .. '"}}')
local path = os.getenv("VERSIONS_PATH")
request = function()
  if counter >= total then
    return wrk.format("GET", path .. "/1?api-version=2024-04-01", headers)
  end
  counter = counter + 1
  return wrk.format("PUT", path .. "/" .. counter .. "?api-version=2024-04-01", headers, body)
end
response = function(status)
  if counter >= total then wrk.thread:stop() end
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d duration_us=%d non2xx=%d socket_errors=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
