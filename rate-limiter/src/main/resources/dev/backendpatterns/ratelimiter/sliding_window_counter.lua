-- Sliding window counter: the count of the current fixed window plus the previous window's count weighted by
-- how much of it the sliding window still covers; admits while that estimate stays within ARGV[2].
-- Decides the requests of one or many identities in one call, every key exactly as a call for it alone would at the
-- same instant.
-- KEYS[i]     identity i: 24 bytes, the window index, its count and the previous window's count as three
--             little-endian doubles (struct.pack); expires after two windows
-- ARGV[1]     window in milliseconds
-- ARGV[2]     limit (threshold)
-- ARGV[3]     optional clock override in microseconds; empty = the server's TIME
-- ARGV[3+i]   n_i, the number of requests of KEYS[i] to decide (>= 1)
-- returns     one string, three little-endian 64-bit integers per key: admitted, remaining after them, and
--             retry_after_ms for the others (0 if all admitted)
local window = tonumber(ARGV[1]) * 1000
local limit = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if not now then
  local t = redis.call('TIME')
  now = t[1] * 1000000 + t[2]
end
local index = math.floor(now / window)
local start = index * window

local states = redis.call('MGET', unpack(KEYS)) -- one call reads every identity
local written = {} -- a key listed twice (requests not coalesced) reads what this call wrote

local function decide(key, state, n)
  local current, previous = 0, 0
  if state then
    local stored, stored_current, stored_previous = struct.unpack('<ddd', state)
    if stored == index then
      current = stored_current
      previous = stored_previous
    elseif stored == index - 1 then
      previous = stored_current
    elseif stored > index then
      return 0, 0, math.ceil(window / 1000) -- the clock went back past a window: refuse rather than double-admit
    end
  end
  local estimate = previous * (1 - (now - start) / window) + current
  local admitted = math.floor(limit - estimate)
  if admitted > n then admitted = n end
  if admitted < 0 then admitted = 0 end
  current = current + admitted
  estimate = estimate + admitted
  local retry = 0
  if admitted < n then
    local wait_us
    if current + 1 > limit or previous == 0 then
      -- wait for the next window, then for the current count's weight to fall enough
      local fraction = 0
      if current > 0 then fraction = 1 - (limit - 1) / current end
      if fraction < 0 then fraction = 0 end
      wait_us = start + window + fraction * window - now
    else
      wait_us = start + window * (1 - (limit - 1 - current) / previous) - now
    end
    retry = math.max(1, math.ceil(wait_us / 1000))
  end
  if admitted > 0 then
    local packed = struct.pack('<ddd', index, current, previous)
    redis.call('SET', key, packed, 'PX', 2 * tonumber(ARGV[1]))
    written[key] = packed
  end
  return admitted, math.floor(limit - estimate), retry
end

local result = {}
for i = 1, #KEYS do
  result[i] = struct.pack('<i8i8i8', decide(KEYS[i], written[KEYS[i]] or states[i], tonumber(ARGV[3 + i])))
end
return table.concat(result) -- one bulk string: far cheaper for Redis to reply and the client to read than 3n integers
