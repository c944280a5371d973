-- Sliding window log: at most ARGV[2] requests in any window of ARGV[1] ms; every admitted request is one
-- member of a sorted set scored by its time. Decides the requests of one or many identities in one call, every key
-- exactly as a call for it alone would at the same instant.
-- KEYS[i]     the log of identity i (sorted set); expires a window after the last admitted request
-- ARGV[1]     window in milliseconds
-- ARGV[2]     limit (threshold)
-- ARGV[3]     optional clock override in microseconds; empty = the server's TIME
-- ARGV[3+i]   n_i, the number of requests of KEYS[i] to decide (>= 1)
-- then        the member names of all requests, n_1 of KEYS[1] first, then n_2 of KEYS[2], ...: one per request and
--             unique, so requests of the same microsecond all count
-- returns     one string, three little-endian 64-bit integers per key: admitted, remaining after them, and
--             retry_after_ms for the others (0 if all admitted)
local window = tonumber(ARGV[1]) * 1000
local limit = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if not now then
  local t = redis.call('TIME')
  now = t[1] * 1000000 + t[2]
end
local result = {}
local member = 3 + #KEYS -- ARGV index before the next key's first member
for i = 1, #KEYS do
  local key = KEYS[i]
  local n = tonumber(ARGV[3 + i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  local admitted = limit - count
  if admitted > n then admitted = n end
  if admitted < 0 then admitted = 0 end
  if admitted > 0 then
    local entries = {}
    for j = 1, admitted do
      entries[2 * j - 1] = now
      entries[2 * j] = ARGV[member + j]
    end
    redis.call('ZADD', key, unpack(entries))
    redis.call('PEXPIRE', key, ARGV[1])
  end
  member = member + n
  local retry = 0
  if admitted < n then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    local retry_us = window
    if oldest[2] then retry_us = tonumber(oldest[2]) + window - now end
    retry = math.max(1, math.ceil(retry_us / 1000))
  end
  result[i] = struct.pack('<i8i8i8', admitted, limit - count - admitted, retry)
end
return table.concat(result) -- one bulk string: far cheaper for Redis to reply and the client to read than 3n integers
