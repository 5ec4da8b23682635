-- wrk script of the side-by-side runner (Switchboard's bench `compare` command).
--   wrk ... -s bench/wrk/bench.lua URL                      plain GET, one request in flight per connection
--   wrk ... -s bench/wrk/bench.lua URL -- pipeline 16       GET, 16 requests pipelined per connection
--   wrk ... -s bench/wrk/bench.lua URL -- post 4096         POST of 4096 random bytes to the URL
--   wrk ... -s bench/wrk/bench.lua URL -- gzip              GET with Accept-Encoding: gzip
-- done() prints one machine-readable line:
--   result: requests=N seconds=S errors=E p50_us=.. p90_us=.. p99_us=.. p999_us=.. max_us=..
-- Latencies are wrk's (per request of a pipelined batch: from when the batch was sent).

local mode = "plain"
local depth = 1
local batch = nil

function init(args)
   mode = args[1] or "plain"
   if mode == "pipeline" then
      depth = tonumber(args[2] or "16")
      local one = wrk.format("GET", wrk.path)
      batch = string.rep(one, depth)
   elseif mode == "post" then
      local size = tonumber(args[2] or "4096")
      local chars = {}
      for i = 1, size do
         chars[i] = string.char(math.random(0, 255))
      end
      wrk.method = "POST"
      wrk.body = table.concat(chars)
      wrk.headers["Content-Type"] = "application/octet-stream"
      batch = wrk.format()
   elseif mode == "gzip" then
      wrk.headers["Accept-Encoding"] = "gzip"
      batch = wrk.format("GET", wrk.path)
   else
      batch = wrk.format("GET", wrk.path)
   end
end

function request()
   return batch
end

-- wrk "corrects" its latency histogram for coordinated omission after the run, and its percentile() then
-- returns 0 for high percentiles when the corrected values fall below the recorded minimum: printed as nan.
local function us(v)
   if v == nil or v == 0 then
      return "nan"
   end
   return string.format("%.1f", v)
end

function done(summary, latency, requests)
   local errors = summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout
   io.write(string.format(
      "result: requests=%d seconds=%.6f errors=%d p50_us=%s p90_us=%s p99_us=%s p999_us=%s max_us=%s\n",
      summary.requests, summary.duration / 1e6, errors,
      us(latency:percentile(50)), us(latency:percentile(90)), us(latency:percentile(99)), us(latency:percentile(99.9)),
      us(latency.max)))
end
