--[[
  Sets fields of an alert that exists, so that recording where its message was posted cannot
  bring back an alert that expired meanwhile.

  Input:
    KEYS[1] the alert's state hash (Keys.alert)

    ARGV[1..n] field, value, field, value, ...

  Output:
    1 when set, 0 when there is no such alert
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
