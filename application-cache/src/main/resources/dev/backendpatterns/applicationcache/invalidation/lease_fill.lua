-- Fills an entry only for the holder of its lease (memcache's leases): a reader that missed took a lease (SET NX) before
-- reading the store; a write deletes the entry and the lease, so a fill of a value read before that write is refused.
-- KEYS[1]   the entry
-- KEYS[2]   its lease, in the same slot
-- ARGV[1]   the lease token the reader got
-- ARGV[2]   the value: "v<version> <value>"
-- ARGV[3]   time to live of the entry, ms
-- returns   1 if filled, 0 if the lease was gone or another's
if redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  redis.call('DEL', KEYS[2])
  return 1
end
return 0
