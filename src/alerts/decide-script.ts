/**
 * The alert store's decision script: every raise, resolve and settle of one alert is this one Lua
 * script, so two bot replicas never disagree on what reaches chat.
 */

// KEYS: state hash, history list, open set, flapping set.
// ARGV: action (raise|resolve|settle), now, fingerprint, severity, alert JSON, mute reason or '',
// cooldownMs, flapThreshold, flapWindowMs, minUpdateMs, keepMs.
// Returns {'none'} or {verdict, why, flags, state hash, history}.
export const DECIDE = `
local st, hist, openSet, flapSet = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local action, now, fp = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local cooldown, flapMax, window = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local minUpdate, keep = tonumber(ARGV[10]), tonumber(ARGV[11])
local s = {}
local raw = redis.call('HGETALL', st)
for i = 1, #raw, 2 do s[raw[i]] = raw[i + 1] end
local function num(f) return tonumber(s[f] or '0') end
local function set(f, v) s[f] = tostring(v); redis.call('HSET', st, f, v) end
local function del(f) s[f] = nil; redis.call('HDEL', st, f) end
local function join(a, b) if a == '' then return b end return a .. ',' .. b end
local function reply(verdict, why, flags)
  return {verdict, why, flags, redis.call('HGETALL', st), redis.call('LRANGE', hist, 0, -1)}
end
-- Records a change between open and resolved; true when there are now too many in the window.
local function flip(to)
  redis.call('LPUSH', hist, to .. ':' .. ARGV[2])
  redis.call('LTRIM', hist, 0, flapMax)
  set('observed', to)
  set('lastFlipAt', ARGV[2])
  local n = 0
  for _, e in ipairs(redis.call('LRANGE', hist, 0, -1)) do
    if tonumber(string.match(e, ':(%d+)$')) > now - window then n = n + 1 end
  end
  return n > flapMax
end
local function stable() return now - num('lastFlipAt') >= window end
local function endFlap() del('flapping'); redis.call('SREM', flapSet, fp) end
local function resolveNow(flags)
  set('status', 'resolved'); set('resolvedAt', ARGV[2]); del('muted')
  redis.call('SREM', openSet, fp)
  redis.call('PEXPIRE', st, keep); redis.call('PEXPIRE', hist, keep)
  return reply('resolve', '', flags)
end
-- The open alert is shown (post or update) unless muted or edited too recently.
local function announce(flags)
  if ARGV[6] ~= '' then return reply('suppress', ARGV[6], flags) end
  if s.announced ~= '1' then set('announced', '1'); set('updatedAt', ARGV[2]); return reply('post', '', '') end
  if flags == '' and now - num('updatedAt') < minUpdate then return reply('suppress', 'cooldown', '') end
  set('updatedAt', ARGV[2])
  return reply('update', '', flags)
end

if action == 'raise' then
  local rank = {info = 1, warning = 2, critical = 3}
  local flags = ''
  if s.status == 'open' and rank[ARGV[4]] > (rank[s.severity] or 0) then flags = 'escalated' end
  set('alert', ARGV[5]); set('severity', ARGV[4]); set('lastAt', ARGV[2])
  if ARGV[6] ~= '' then set('muted', ARGV[6]) else del('muted') end
  if s.flapping then
    if s.observed == 'resolved' then
      if not stable() then flip('open'); return reply('suppress', 'flapping', '') end
      -- Quiet (resolved) for a whole window, and back: a fresh episode on the message still shown.
      endFlap(); flip('open'); set('count', 1); set('openedAt', ARGV[2])
      return announce('reopened,flap-ended')
    end
    set('count', num('count') + 1)
    if stable() then endFlap(); return announce(join(flags, 'flap-ended')) end
    if flags ~= '' then return announce(flags) end
    return reply('suppress', 'flapping', '')
  end
  if s.status == 'open' then
    set('count', num('count') + 1)
    return announce(flags)
  end
  local trip = flip('open')
  local reopen = s.status == 'resolved' and s.announced == '1' and (trip or now - num('resolvedAt') < cooldown)
  set('status', 'open'); set('openedAt', ARGV[2]); del('resolvedAt')
  redis.call('SADD', openSet, fp)
  redis.call('PERSIST', st); redis.call('PERSIST', hist)
  if reopen then
    set('count', num('count') + 1); flags = 'reopened'
  else
    set('count', 1); set('firstAt', ARGV[2])
    for _, f in ipairs({'announced', 'channel', 'ts', 'ackedBy', 'ackedAt', 'updatedAt'}) do del(f) end
  end
  if trip then set('flapping', ARGV[2]); redis.call('SADD', flapSet, fp); flags = join(flags, 'flap-started') end
  return announce(flags)
end
if action == 'resolve' then
  if s.status ~= 'open' then return {'none'} end
  if s.flapping then
    if s.observed == 'open' then flip('resolved'); return reply('suppress', 'flapping', '') end
    if not stable() then return reply('suppress', 'flapping', '') end
    endFlap()
    return resolveNow('flap-ended')
  end
  if flip('resolved') then
    set('flapping', ARGV[2]); redis.call('SADD', flapSet, fp)
    return reply('suppress', 'flapping', 'flap-started')
  end
  return resolveNow('')
end
-- settle: ends flapping that has been stable for the window.
if not s.flapping then redis.call('SREM', flapSet, fp); return {'none'} end
if not stable() then return {'none'} end
endFlap()
if s.observed == 'resolved' then return resolveNow('flap-ended') end
if s.muted then return reply('suppress', s.muted, 'flap-ended') end
set('updatedAt', ARGV[2])
return reply('update', '', 'flap-ended')`;

/** Sets fields of an alert that exists; 0 when it does not. KEYS: state hash. ARGV: field, value, … */
export const SET_IF_EXISTS = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1`;
