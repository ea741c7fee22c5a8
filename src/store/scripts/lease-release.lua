--[[
  Gives the notifier lease up at once, only if this replica still holds it, so a stopping replica
  cannot delete the lease another one took meanwhile.

  Input:
    KEYS[1] the lease (Keys.notifierLeader)

    ARGV[1] this replica's id

  Output:
    1 when released, else 0
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
