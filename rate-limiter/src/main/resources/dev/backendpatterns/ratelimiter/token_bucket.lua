-- Token bucket: up to ARGV[2] tokens, refilled continuously at ARGV[1] tokens per second; a request takes one.
-- Decides the requests of one or many identities in one call (the client coalesces requests for one key and batches
-- keys); every key is decided exactly as a call for it alone would decide it at the same instant.
-- KEYS[i]     bucket i: 16 bytes, the tokens (fractional kept) and the last refill time in microseconds as two
--             little-endian doubles (struct.pack, no text to format or parse); expires once it would be full again
-- ARGV[1]     refill rate, tokens per second
-- ARGV[2]     capacity (bucket size)
-- ARGV[3]     optional clock override in microseconds (accuracy analysis); empty = the server's TIME
-- ARGV[3+i]   n_i, the number of requests of KEYS[i] to decide (>= 1)
-- returns     one string, three little-endian 64-bit integers per key: admitted, remaining after them, and
--             retry_after_ms for the others (0 if all admitted); the first `admitted` requests of that key are
--             allowed, the rest throttled
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local clock = tonumber(ARGV[3])
if not clock then
  local t = redis.call('TIME')
  clock = t[1] * 1000000 + t[2]
end
local states = redis.call('MGET', unpack(KEYS)) -- one call reads every bucket
local written = {} -- a key listed twice (requests not coalesced) reads what this call wrote
local result = {}
for i = 1, #KEYS do
  local n = tonumber(ARGV[3 + i])
  local now = clock
  local tokens = capacity
  local state = written[KEYS[i]] or states[i]
  if state then
    local last
    tokens, last = struct.unpack('<dd', state)
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
    local state = struct.pack('<dd', tokens, now)
    redis.call('SET', KEYS[i], state, 'PX', full_in_ms)
    written[KEYS[i]] = state
  end
  result[i] = struct.pack('<i8i8i8', admitted, math.floor(tokens), retry)
end
return table.concat(result) -- one bulk string: far cheaper for Redis to reply and the client to read than 3n integers
