-- GCRA (generic cell rate algorithm): the token bucket's contract (rate ARGV[1]/s, burst ARGV[2]) kept as one
-- number, the theoretical arrival time (TAT) of the next request. Decides ARGV[3] requests of one identity at once.
-- KEYS[1]   the TAT in microseconds; expires when the bucket would be full again
-- ARGV[1]   rate, requests per second
-- ARGV[2]   burst (bucket size)
-- ARGV[3]   n, the number of requests to decide (>= 1)
-- ARGV[4]   optional clock override in microseconds; empty = the server's TIME
-- returns   {admitted, remaining after them, retry_after_ms for the others (0 if all admitted)}
local interval = 1000000 / tonumber(ARGV[1])
local tolerance = interval * tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
if not now then
  local t = redis.call('TIME')
  now = t[1] * 1000000 + t[2]
end
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
-- request j (1-based) conforms when tat + j * interval - tolerance <= now
local admitted = math.floor((now + tolerance - tat) / interval)
if admitted > n then admitted = n end
if admitted < 0 then admitted = 0 end
tat = tat + admitted * interval
local retry = 0
if admitted < n then
  retry = math.ceil((tat + interval - tolerance - now) / 1000)
end
if admitted > 0 then
  local ttl_ms = math.ceil((tat - now) / 1000)
  if ttl_ms < 1 then ttl_ms = 1 end
  redis.call('SET', KEYS[1], string.format('%.17g', tat), 'PX', ttl_ms)
end
return {admitted, math.floor((now + tolerance - tat) / interval), retry}
