--[[
  Applies a new state of a job's Slack message and schedules it: a message not yet posted and an
  outcome go to `hi`; progress goes to `lo`, no sooner than one update interval after the last
  write.

  Input:
    KEYS[1] the job's message hash (Keys.slackMessage)
    KEYS[2] the `hi` due set (Keys.slackDue('hi'))
    KEYS[3] the `lo` due set (Keys.slackDue('lo'))
    KEYS[4] the job's log list (Keys.slackLog)

    ARGV[1] request id
    ARGV[2] payload JSON
    ARGV[3] '1' when this is the outcome, else '0'
    ARGV[4] now, epoch ms
    ARGV[5] update interval, ms
    ARGV[6] channel or ''
    ARGV[7] user or ''
    ARGV[8] a log line to add, or ''
    ARGV[9] time to live of the records, ms

  Output:
    the message's new version, or 0 when it is dead or already final (a late progress notice)
]]
if redis.call('HGET', KEYS[1], 'dead') == '1' then return 0 end
-- A late progress notice (a redelivered one after a bot died) must not undo the outcome.
if redis.call('HGET', KEYS[1], 'final') == '1' and ARGV[3] ~= '1' then return 0 end
redis.call('HSET', KEYS[1], 'payload', ARGV[2])
local v = redis.call('HINCRBY', KEYS[1], 'version', 1)
if ARGV[6] ~= '' then redis.call('HSETNX', KEYS[1], 'channel', ARGV[6]) end
if ARGV[7] ~= '' then redis.call('HSETNX', KEYS[1], 'user', ARGV[7]) end
if ARGV[3] == '1' then redis.call('HSET', KEYS[1], 'final', '1') end
if ARGV[8] ~= '' then
  redis.call('RPUSH', KEYS[4], ARGV[8])
  redis.call('PEXPIRE', KEYS[4], ARGV[9])
end
redis.call('PEXPIRE', KEYS[1], ARGV[9])
local last = tonumber(redis.call('HGET', KEYS[1], 'lastWriteAt') or '0')
local due = math.max(tonumber(ARGV[4]), last + tonumber(ARGV[5]))
local member = 'job:' .. ARGV[1]
local final = redis.call('HGET', KEYS[1], 'final') == '1'
if final or redis.call('HEXISTS', KEYS[1], 'ts') == 0 then
  redis.call('ZREM', KEYS[3], member)
  redis.call('ZADD', KEYS[2], 'LT', due, member)
elseif not redis.call('ZSCORE', KEYS[2], member) then
  redis.call('ZADD', KEYS[3], 'NX', due, member)
end
return v
