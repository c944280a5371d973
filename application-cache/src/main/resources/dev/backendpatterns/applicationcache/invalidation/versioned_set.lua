-- Stores a value of version ARGV[1] (after a write, or a reader's fill) unless the entry holds a later version: a
-- later value, or the marker of a later write under way. A marker of the same version is replaced: that write is done.
-- So the cache never goes back to an older version, whatever order writes and fills arrive in.
-- KEYS[1]   the entry: "v<version> <value>" or "m<version>"
-- ARGV[1]   the version
-- ARGV[2]   the value
-- ARGV[3]   time to live, ms
-- returns   1 if stored, 0 if refused
local current = redis.call('GET', KEYS[1])
local version = tonumber(ARGV[1])
if current then
  local kind = string.sub(current, 1, 1)
  local held = tonumber(string.match(current, '^[vm](%d+)'))
  if held and (held > version or (held == version and kind == 'v')) then
    return 0
  end
end
redis.call('SET', KEYS[1], 'v' .. ARGV[1] .. ' ' .. ARGV[2], 'PX', ARGV[3])
return 1
