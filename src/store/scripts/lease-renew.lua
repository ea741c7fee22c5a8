--[[
  Extends the notifier lease, only for the replica that holds it: a replica that lost it (a long
  pause) must not extend another's.

  Input:
    KEYS[1] the lease (Keys.notifierLeader)

    ARGV[1] this replica's id
    ARGV[2] time to live, ms

  Output:
    1 when renewed, 0 when another replica holds it or nobody does
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
