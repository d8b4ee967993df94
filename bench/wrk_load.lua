-- wrk's requests for a bench phase (bench/wrk_load.py runs it): each request is signed in as the next shopper in
-- turn (cookies from a file, one per line); a POST carries a fresh Idempotency-Key, the page's Origin and "{}".
-- Arguments after "--": cookies file, method, path, origin, key prefix, wrk's thread count and, optionally, a
-- think time in milliseconds and its cap: each connection waits a while after an answer before its next request
-- (a shopper reading the page), drawn from an exponential distribution of that mean, cut at the cap, so the
-- connections do not send in waves; the load is paced instead of closed-loop.
-- done() prints one JSON line: requests, seconds, latency percentiles (microseconds) and statuses.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  cookies = {}
  for line in io.lines(args[1]) do
    table.insert(cookies, line)
  end
  method, path, origin, prefix, thread_count = args[2], args[3], args[4], args[5], tonumber(args[6])
  think, think_cap = tonumber(args[7] or "0"), tonumber(args[8] or "0")
  math.randomseed(id * 7919 + #cookies)
  sent, statuses = 0, {}
end

function delay()
  if think == 0 then
    return 0
  end
  return math.min(math.floor(-math.log(1 - math.random()) * think + 0.5), think_cap)
end

function request()
  local headers = { Cookie = cookies[(sent * thread_count + id - 1) % #cookies + 1] }
  sent = sent + 1
  if method ~= "POST" then
    return wrk.format(method, path, headers)
  end
  headers["Idempotency-Key"] = string.format("%s-%d-%d", prefix, id, sent)
  headers["Origin"] = origin
  headers["Content-Type"] = "application/json"
  return wrk.format(method, path, headers, "{}")
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      merged[status] = (merged[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(merged) do
    table.insert(parts, string.format('"%s": %d', status, count))
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"socket_errors": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, errors.connect + errors.read + errors.write + errors.timeout,
    table.concat(parts, ", ")))
end
