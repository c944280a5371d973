-- GCRA (generic cell rate algorithm): the token bucket's contract (rate ARGV[1]/s, burst ARGV[2]) kept as one
-- number, the theoretical arrival time (TAT) of the next request. Decides the requests of one or many identities in
-- one call, every key exactly as a call for it alone would at the same instant.
-- KEYS[i]     the TAT of identity i in microseconds; expires when the bucket would be full again
-- ARGV[1]     rate, requests per second
-- ARGV[2]     burst (bucket size)
-- ARGV[3]     optional clock override in microseconds; empty = the server's TIME
-- ARGV[3+i]   n_i, the number of requests of KEYS[i] to decide (>= 1)
-- returns     one string, three little-endian 64-bit integers per key: admitted, remaining after them, and
--             retry_after_ms for the others (0 if all admitted)
local interval = 1000000 / tonumber(ARGV[1])
local tolerance = interval * tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if not now then
  local t = redis.call('TIME')
  now = t[1] * 1000000 + t[2]
end
local tats = redis.call('MGET', unpack(KEYS)) -- one call reads every identity
local written = {} -- a key listed twice (requests not coalesced) reads what this call wrote
local result = {}
for i = 1, #KEYS do
  local n = tonumber(ARGV[3 + i])
  local tat = written[KEYS[i]] or tonumber(tats[i]) or now
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
    redis.call('SET', KEYS[i], string.format('%.17g', tat), 'PX', ttl_ms)
    written[KEYS[i]] = tat
  end
  result[i] = struct.pack('<i8i8i8', admitted, math.floor((now + tolerance - tat) / interval), retry)
end
return table.concat(result) -- one bulk string: far cheaper for Redis to reply and the client to read than 3n integers
