-- wrk script for bench/tail.py: POST each pre-signed webhook once.
-- Arguments: the requests file (one "signature<TAB>hex body" per line),
-- the first line to send, how many to send. After that many answers it
-- stops sending and prints ALL ANSWERED: wrk itself runs out its duration
-- unless interrupted, so bench/tail.py sends it SIGINT then.
local requests, next_index, answered, wanted = {}, 1, 0, 0

local function unhex(text)
  return (text:gsub("..", function(pair) return string.char(tonumber(pair, 16)) end))
end

init = function(args)
  local first, count = tonumber(args[2]), tonumber(args[3])
  local n = 0
  for line in io.lines(args[1]) do
    n = n + 1
    if n >= first and n < first + count then
      local signature, body = line:match("^([^\t]*)\t(.*)$")
      requests[#requests + 1] = wrk.format("POST", "/api/payments/webhook",
        {["Content-Type"] = "application/json", ["Stripe-Signature"] = signature}, unhex(body))
    end
  end
  wanted = #requests
end

request = function()
  -- Past the last one (only while the last answers are on their way), send
  -- the last again: a duplicate, answered and not counted.
  local r = requests[math.min(next_index, wanted)]
  next_index = next_index + 1
  return r
end

response = function(status, headers, body)
  answered = answered + 1
  if answered == wanted then
    wrk.thread:stop()
    io.write("ALL ANSWERED\n")
    io.stdout:flush()
  end
end

done = function(summary, latency, requests)
  io.write(string.format(
    "RESULT {\"requests\": %d, \"non_2xx\": %d, \"errors\": %d, \"seconds\": %f, " ..
    "\"p50_ms\": %f, \"p90_ms\": %f, \"p99_ms\": %f, \"p999_ms\": %f, \"max_ms\": %f}\n",
    summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration / 1e6,
    latency:percentile(50) / 1e3, latency:percentile(90) / 1e3, latency:percentile(99) / 1e3,
    latency:percentile(99.9) / 1e3, latency.max / 1e3))
end
