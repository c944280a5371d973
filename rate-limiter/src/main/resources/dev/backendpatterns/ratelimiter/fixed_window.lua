-- Fixed window: at most ARGV[2] requests in each window of ARGV[1] ms aligned to the server's clock.
-- Decides ARGV[3] requests of one identity at once.
-- KEYS[1]   one string "window_index:count"; expires at the end of its window
-- ARGV[1]   window in milliseconds
-- ARGV[2]   limit (threshold)
-- ARGV[3]   n, the number of requests to decide (>= 1)
-- ARGV[4]   optional clock override in microseconds; empty = the server's TIME
-- returns   {admitted, remaining after them, retry_after_ms for the others (0 if all admitted)}
local window = tonumber(ARGV[1]) * 1000
local limit = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
if not now then
  local t = redis.call('TIME')
  now = t[1] * 1000000 + t[2]
end
local index = math.floor(now / window)
local count = 0
local state = redis.call('GET', KEYS[1])
if state then
  local sep = string.find(state, ':', 1, true)
  local stored = tonumber(string.sub(state, 1, sep - 1))
  if stored == index then
    count = tonumber(string.sub(state, sep + 1))
  elseif stored > index then
    return {0, 0, math.ceil(window / 1000)} -- the clock went back: refuse rather than double-admit
  end
end
local admitted = limit - count
if admitted > n then admitted = n end
if admitted < 0 then admitted = 0 end
count = count + admitted
local window_end = (index + 1) * window
local ms_left = math.max(1, math.ceil((window_end - now) / 1000))
if admitted > 0 then
  redis.call('SET', KEYS[1], string.format('%.17g:%d', index, count), 'PX', ms_left)
end
local retry = 0
if admitted < n then retry = ms_left end
return {admitted, limit - count, retry}
