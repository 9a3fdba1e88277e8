-- post.lua paced: each connection waits DELAY_MS (default 20) after every answer before its next request, so 64
-- connections offer a fixed load well below saturation and the latency is the proxy's, not a queue's.
-- With the same pause on every connection the 64 stay in lockstep: they fire within about a millisecond of each
-- other every DELAY_MS, and a proxy's p99 is the time to work through such a burst. JITTER_MS (default 0) draws each
-- pause uniformly from DELAY_MS +- JITTER_MS instead: the same mean load from clients that act independently.
dofile(os.getenv("BENCH_DIR") .. "/serving/post.lua")
local pause = tonumber(os.getenv("DELAY_MS") or "20")
local jitter = math.max(0, math.min(tonumber(os.getenv("JITTER_MS") or "0"), pause))
function init(args)
  -- each wrk thread has its own Lua state: seed each differently (the address of a fresh table differs)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 1000003)
end
function delay()
  if jitter == 0 then
    return pause
  end
  return pause - jitter + math.random() * 2 * jitter
end
-- The tail beyond wrk's own percentiles, where a collector's pause shows (run_wrk prints it after the p99).
function done(summary, latency, requests)
  io.write(string.format("tail p99.9 %.2fms max %.2fms\n", latency:percentile(99.9) / 1000, latency.max / 1000))
end
