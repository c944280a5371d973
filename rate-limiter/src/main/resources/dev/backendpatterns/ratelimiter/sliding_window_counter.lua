-- Sliding window counter: the count of the current fixed window plus the previous window's count weighted by
-- how much of it the sliding window still covers; admits while that estimate stays within ARGV[2].
-- Decides ARGV[3] requests of one identity at once.
-- KEYS[1]   one string "window_index:current_count:previous_count"; expires after two windows
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
local current, previous = 0, 0
local state = redis.call('GET', KEYS[1])
if state then
  local a = string.find(state, ':', 1, true)
  local b = string.find(state, ':', a + 1, true)
  local stored = tonumber(string.sub(state, 1, a - 1))
  if stored == index then
    current = tonumber(string.sub(state, a + 1, b - 1))
    previous = tonumber(string.sub(state, b + 1))
  elseif stored == index - 1 then
    previous = tonumber(string.sub(state, a + 1, b - 1))
  elseif stored > index then
    return {0, 0, math.ceil(window / 1000)} -- the clock went back past a window: refuse rather than double-admit
  end
end
local start = index * window
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
  redis.call('SET', KEYS[1], string.format('%.17g:%d:%d', index, current, previous), 'PX', 2 * tonumber(ARGV[1]))
end
return {admitted, math.floor(limit - estimate), retry}
