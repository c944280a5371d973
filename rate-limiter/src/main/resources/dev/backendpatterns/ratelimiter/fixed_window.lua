-- Fixed window: at most ARGV[2] requests in each window of ARGV[1] ms aligned to the server's clock.
-- Decides the requests of one or many identities in one call, every key exactly as a call for it alone would at the
-- same instant.
-- KEYS[i]     identity i: 16 bytes, the window index and the count as two little-endian doubles (struct.pack);
--             expires at the end of its window
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
local window_end = (index + 1) * window
local ms_left = math.max(1, math.ceil((window_end - now) / 1000))

local states = redis.call('MGET', unpack(KEYS)) -- one call reads every identity
local written = {} -- a key listed twice (requests not coalesced) reads what this call wrote

local function decide(key, state, n)
  local count = 0
  if state then
    local stored, stored_count = struct.unpack('<dd', state)
    if stored == index then
      count = stored_count
    elseif stored > index then
      return 0, 0, math.ceil(window / 1000) -- the clock went back: refuse rather than double-admit
    end
  end
  local admitted = limit - count
  if admitted > n then admitted = n end
  if admitted < 0 then admitted = 0 end
  count = count + admitted
  if admitted > 0 then
    local packed = struct.pack('<dd', index, count)
    redis.call('SET', key, packed, 'PX', ms_left)
    written[key] = packed
  end
  local retry = 0
  if admitted < n then retry = ms_left end
  return admitted, limit - count, retry
end

local result = {}
for i = 1, #KEYS do
  result[i] = struct.pack('<i8i8i8', decide(KEYS[i], written[KEYS[i]] or states[i], tonumber(ARGV[3 + i])))
end
return table.concat(result) -- one bulk string: far cheaper for Redis to reply and the client to read than 3n integers
