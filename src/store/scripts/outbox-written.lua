--[[
  Records that Slack now shows `version` of a job's message and schedules whatever is left: a
  newer state (after the update interval), or the thread log of a finished job.

  Input:
    KEYS[1] the job's message hash (Keys.slackMessage)
    KEYS[2] the `hi` due set (Keys.slackDue('hi'))
    KEYS[3] the `lo` due set (Keys.slackDue('lo'))
    KEYS[4] the job's log list (Keys.slackLog)

    ARGV[1] request id
    ARGV[2] the version written
    ARGV[3] now, epoch ms
    ARGV[4] update interval, ms
    ARGV[5] the message's ts when this write posted it, else ''

  Output:
    the message's current version
]]
redis.call('HSET', KEYS[1], 'flushed', ARGV[2], 'lastWriteAt', ARGV[3])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'ts', ARGV[5]) end
local member = 'job:' .. ARGV[1]
redis.call('ZREM', KEYS[2], member)
redis.call('ZREM', KEYS[3], member)
local v = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
local final = redis.call('HGET', KEYS[1], 'final') == '1'
if v > tonumber(ARGV[2]) then
  local key = final and KEYS[2] or KEYS[3]
  redis.call('ZADD', key, tonumber(ARGV[3]) + tonumber(ARGV[4]), member)
elseif final and redis.call('HGET', KEYS[1], 'threadPosted') ~= '1' and redis.call('LLEN', KEYS[4]) > 0 then
  redis.call('ZADD', KEYS[2], ARGV[3], member)
end
return v
