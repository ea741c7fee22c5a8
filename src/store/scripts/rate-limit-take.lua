--[[
  Counts one command for the person and, when it came from a channel, for the channel, in one
  round trip. The count comes first on the command's path, so refusals count too.

  Input:
    KEYS[1] the person's counter for this window (Keys.rateLimit, 'u')
    KEYS[2] the channel's counter for this window (Keys.rateLimit, 'c')

    ARGV[1] window, ms (the counters' time to live)
    ARGV[2] '1' when the command came from a channel, else '0'

  Output:
    {person's count, channel's count (0 when not counted)}
]]
local u = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
local c = 0
if ARGV[2] == '1' then
  c = redis.call('INCR', KEYS[2])
  redis.call('PEXPIRE', KEYS[2], ARGV[1])
end
return {u, c}
