-- Marks a cached entry as "being written at version ARGV[1]" before the store write, so that a fill of an older
-- version read from the store before that write cannot land afterwards (see versioned_set.lua). Readers take a
-- marker for a miss.
-- KEYS[1]   the entry: "v<version> <value>" (a value) or "m<version>" (a marker)
-- ARGV[1]   the version being written
-- ARGV[2]   time to live, ms
-- returns   1 if marked, 0 if the entry already holds this version or a later one
local current = redis.call('GET', KEYS[1])
local version = tonumber(ARGV[1])
if current then
  local held = tonumber(string.match(current, '^[vm](%d+)'))
  if held and held >= version then
    return 0
  end
end
redis.call('SET', KEYS[1], 'm' .. ARGV[1], 'PX', ARGV[2])
return 1
