--[[
  Deletes a hash field only if it still holds the value that was read as expired, so that a
  maintenance window started meanwhile by another replica survives the cleanup.

  Input:
    KEYS[1] the hash (Keys.maintenance)

    ARGV[1] field
    ARGV[2] the value read

  Output:
    1 when deleted, else 0
]]
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0
