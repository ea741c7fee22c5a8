--[[
  Counts a command against its person's and its channel's rate limit and, when both are within
  their limits, appends its audit entry: one round trip for what would otherwise be two on every
  command. Every command ends here, refusals included, so every command is counted before anything
  of it is written.

  Input:
    KEYS[1] the person's counter for this window (Keys.rateLimit, 'u')
    KEYS[2] the channel's counter for this window (Keys.rateLimit, 'c')
    KEYS[3] the audit stream (Keys.audit)

    ARGV[1] the person's limit
    ARGV[2] the channel's limit
    ARGV[3] '1' when the command came from a channel, else '0'
    ARGV[4] window, ms (the counters' time to live)
    ARGV[5..] the entry's field/value pairs, as AuditLog writes them

  Output:
    {1, person's count, channel's count, entry id} when appended,
    {0, person's count, channel's count} when over a limit (nothing appended)
]]
local u = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
local c = 0
if ARGV[3] == '1' then
  c = redis.call('INCR', KEYS[2])
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
end
if u > tonumber(ARGV[1]) or (ARGV[3] == '1' and c > tonumber(ARGV[2])) then return {0, u, c} end
local id = redis.call('XADD', KEYS[3], '*', unpack(ARGV, 5))
return {1, u, c, id}
