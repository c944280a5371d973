-- Token bucket: up to ARGV[2] tokens, refilled continuously at ARGV[1] tokens per second; a request takes one.
-- Decides ARGV[3] requests of one identity at once (requests the client coalesced), in their order.
-- KEYS[1]   the bucket: one string "tokens:last_refill_us" (fractional tokens kept); expires once it would be full again
-- ARGV[1]   refill rate, tokens per second
-- ARGV[2]   capacity (bucket size)
-- ARGV[3]   n, the number of requests to decide (>= 1)
-- ARGV[4]   optional clock override in microseconds (accuracy analysis); empty = the server's TIME
-- returns   {admitted, remaining after them, retry_after_ms for the others (0 if all admitted)};
--           the first `admitted` requests are allowed, the rest throttled
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
if not now then
  local t = redis.call('TIME')
  now = t[1] * 1000000 + t[2]
end
local tokens = capacity
local state = redis.call('GET', KEYS[1])
if state then
  local sep = string.find(state, ':', 1, true)
  local last = tonumber(string.sub(state, sep + 1))
  tokens = tonumber(string.sub(state, 1, sep - 1))
  if now > last then
    tokens = math.min(capacity, tokens + (now - last) * rate / 1000000)
  else
    now = last -- the clock went back: refill nothing, never move the refill mark backwards
  end
end
local admitted = math.floor(tokens)
if admitted > n then admitted = n end
if admitted < 0 then admitted = 0 end
local retry = 0
if admitted < n then
  retry = math.ceil((1 - (tokens - admitted)) * 1000 / rate)
end
if admitted > 0 then
  tokens = tokens - admitted
  local full_in_ms = math.ceil((capacity - tokens) * 1000 / rate)
  if full_in_ms < 1 then full_in_ms = 1 end
  redis.call('SET', KEYS[1], string.format('%.17g:%.17g', tokens, now), 'PX', full_in_ms)
end
return {admitted, math.floor(tokens), retry}
