-- Sliding window log: at most ARGV[2] requests in any window of ARGV[1] ms; every admitted request is one
-- member of a sorted set scored by its time. Decides ARGV[3] requests of one identity at once.
-- KEYS[1]   the log (sorted set); expires a window after the last admitted request
-- ARGV[1]   window in milliseconds
-- ARGV[2]   limit (threshold)
-- ARGV[3]   n, the number of requests to decide (>= 1)
-- ARGV[4]   optional clock override in microseconds; empty = the server's TIME
-- ARGV[5..] n member names, one per request and unique, so requests of the same microsecond all count
-- returns   {admitted, remaining after them, retry_after_ms for the others (0 if all admitted)}
local window = tonumber(ARGV[1]) * 1000
local limit = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
if not now then
  local t = redis.call('TIME')
  now = t[1] * 1000000 + t[2]
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
local admitted = limit - count
if admitted > n then admitted = n end
if admitted < 0 then admitted = 0 end
if admitted > 0 then
  local entries = {}
  for i = 1, admitted do
    entries[2 * i - 1] = now
    entries[2 * i] = ARGV[4 + i]
  end
  redis.call('ZADD', KEYS[1], unpack(entries))
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
local retry = 0
if admitted < n then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  local retry_us = window
  if oldest[2] then retry_us = tonumber(oldest[2]) + window - now end
  retry = math.max(1, math.ceil(retry_us / 1000))
end
return {admitted, limit - count - admitted, retry}
