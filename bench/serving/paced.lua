-- post.lua paced: each connection waits DELAY_MS (default 20) after every answer before its next request, so 64
-- connections offer a fixed load well below saturation and the latency is the proxy's, not a queue's.
dofile(os.getenv("BENCH_DIR") .. "/serving/post.lua")
local pause = tonumber(os.getenv("DELAY_MS") or "20")
function delay()
  return pause
end
