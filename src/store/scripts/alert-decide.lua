--[[
  Decides every raise, resolve, settle, ack and re-mute of one alert, atomically, so two bot
  replicas never disagree on what reaches chat.

  The message of an alert shows a few things a person acts on: whether it is open, its severity,
  whether it is muted, flapping or acknowledged, and the guests it lists. The script keeps these as
  the alert's "material" state and, in `shown`, the material state its message shows now. A raise
  that leaves them as shown is a repeat: it is counted (`count`, `lastAt`) and answered
  'suppress' / 'unchanged', with no edit and nothing printed. Counters, times and ratios are left
  out of it on purpose: they change at every check (1.88x -> 1.90x is not news).

  Input:
    KEYS[1] the alert's state hash (Keys.alert)
    KEYS[2] its history list (Keys.alertHistory)
    KEYS[3] the open set (Keys.alertsOpen)
    KEYS[4] the flapping set (Keys.alertsFlapping)

    ARGV[1]  action: raise | resolve | settle | ack | mute
    ARGV[2]  now, epoch ms
    ARGV[3]  fingerprint
    ARGV[4]  severity (raise) or user (ack)
    ARGV[5]  alert JSON (raise)
    ARGV[6]  mute reason or '' (raise, mute)
    ARGV[7]  cooldownMs
    ARGV[8]  flapThreshold
    ARGV[9]  flapWindowMs
    ARGV[10] minUpdateMs
    ARGV[11] keepMs
    ARGV[12] affected guests (raise: sorted and comma-separated, or '')

  Output:
    {'none'} or {verdict, why, flags, state hash as a flat list, history}. Flags name what changed
    since the message was last shown: reopened, escalated, deescalated, muted, unmuted, acked,
    affected, flap-started, flap-ended.
]]
local st, hist, openSet, flapSet = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local action, now, fp = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local cooldown, flapMax, window = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local minUpdate, keep = tonumber(ARGV[10]), tonumber(ARGV[11])
local rank = {info = 1, warning = 2, critical = 3}
local s = {}
local raw = redis.call('HGETALL', st)
for i = 1, #raw, 2 do s[raw[i]] = raw[i + 1] end
local function num(f) return tonumber(s[f] or '0') end
local function set(f, v) s[f] = tostring(v); redis.call('HSET', st, f, v) end
local function del(f) s[f] = nil; redis.call('HDEL', st, f) end
local function join(a, b) if a == '' then return b end if b == '' then return a end return a .. ',' .. b end
local function has(flags, f) return string.find(',' .. flags .. ',', ',' .. f .. ',', 1, true) ~= nil end

-- The material state, one slot per thing the message shows that a person cares about.
local SLOTS = {'status', 'severity', 'muted', 'flapping', 'ackedBy', 'affected'}
local function material()
  local parts = {}
  for i, f in ipairs(SLOTS) do
    local v = s[f] or ''
    if f == 'flapping' and v ~= '' then v = '1' end
    -- A '|' in a guest name must not shift the slots (and make every raise look like a change).
    parts[i] = (string.gsub(v, '|', '/'))
  end
  return table.concat(parts, '|')
end
local function slots(m)
  local out, i = {}, 1
  for v in string.gmatch(m .. '|', '([^|]*)|') do out[SLOTS[i]] = v; i = i + 1 end
  return out
end
-- `flags` plus whatever else changed since the message was shown.
local function changes(flags)
  local is = slots(material())
  local was = slots(s.shown or material())
  local function add(f) if not has(flags, f) then flags = join(flags, f) end end
  if is.status == 'open' and was.status == 'resolved' then add('reopened') end
  local r, w = rank[is.severity] or 0, rank[was.severity] or 0
  if r > w then add('escalated') elseif r < w then add('deescalated') end
  if is.muted ~= was.muted then add(is.muted ~= '' and 'muted' or 'unmuted') end
  if is.ackedBy ~= was.ackedBy and is.ackedBy ~= '' then add('acked') end
  if is.affected ~= was.affected then add('affected') end
  if is.flapping ~= was.flapping then add(is.flapping == '1' and 'flap-started' or 'flap-ended') end
  return flags
end
-- Whatever the caller will show (a post, an edit, a resolution, a flapping note) is what the
-- message shows from now on.
local function reply(verdict, why, flags)
  if verdict == 'post' or verdict == 'update' or verdict == 'resolve' or string.find(flags, 'flap-', 1, true) then
    set('shown', material()); set('updatedAt', ARGV[2])
  end
  return {verdict, why, flags, redis.call('HGETALL', st), redis.call('LRANGE', hist, 0, -1)}
end
-- Alerts kept from before 'shown' existed: every raise edited their message, so it shows the
-- state as stored. Taken as such, an upgrade does not edit every open alert once.
if s.announced == '1' and not s.shown then set('shown', material()) end

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
-- The open alert: posted when new, edited when what its message shows changed, else quiet
-- ('unchanged', or `quiet` such as 'flapping'). While muted, only the muting itself is shown,
-- and only on a message that shows the alert open: a muted alert coming back stays out of chat.
-- Changes other than escalations, reopenings and flapping wait out minUpdate.
local function announce(flags, quiet)
  local muted = s.muted or ''
  if s.announced ~= '1' then
    if muted ~= '' then return reply('suppress', muted, flags) end
    set('announced', '1')
    return reply('post', '', '')
  end
  flags = changes(flags)
  if muted ~= '' and not (has(flags, 'muted') and slots(s.shown).status == 'open') then
    return reply('suppress', muted, flags)
  end
  if flags == '' then return reply('suppress', quiet or 'unchanged', '') end
  local urgent = has(flags, 'escalated') or has(flags, 'reopened') or string.find(flags, 'flap-', 1, true)
  if not urgent and now - num('updatedAt') < minUpdate then return reply('suppress', 'cooldown', '') end
  return reply('update', '', flags)
end

if action == 'raise' then
  set('alert', ARGV[5]); set('severity', ARGV[4]); set('lastAt', ARGV[2])
  if ARGV[6] ~= '' then set('muted', ARGV[6]) else del('muted') end
  if ARGV[12] ~= '' then set('affected', ARGV[12]) else del('affected') end
  if s.flapping then
    if s.observed == 'resolved' then
      if not stable() then flip('open'); return reply('suppress', 'flapping', '') end
      -- Quiet (resolved) for a whole window, and back: a fresh episode on the message still shown.
      endFlap(); flip('open'); set('count', 1); set('openedAt', ARGV[2])
      return announce('reopened,flap-ended')
    end
    set('count', num('count') + 1)
    if stable() then endFlap(); return announce('flap-ended') end
    return announce('', 'flapping')
  end
  if s.status == 'open' then
    set('count', num('count') + 1)
    return announce('')
  end
  local flags = ''
  local trip = flip('open')
  local reopen = s.status == 'resolved' and s.announced == '1' and (trip or now - num('resolvedAt') < cooldown)
  set('status', 'open'); set('openedAt', ARGV[2]); del('resolvedAt')
  redis.call('SADD', openSet, fp)
  redis.call('PERSIST', st); redis.call('PERSIST', hist)
  if reopen then
    set('count', num('count') + 1); flags = 'reopened'
  else
    set('count', 1); set('firstAt', ARGV[2])
    for _, f in ipairs({'announced', 'channel', 'ts', 'ackedBy', 'ackedAt', 'updatedAt', 'shown'}) do del(f) end
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
if action == 'ack' then
  if not s.alert then return {'none'} end
  set('ackedBy', ARGV[4]); set('ackedAt', ARGV[2])
  return reply('update', '', 'acked')
end
if action == 'mute' then
  if s.status ~= 'open' then return {'none'} end
  if ARGV[6] ~= '' then set('muted', ARGV[6]) else del('muted') end
  if s.announced ~= '1' then return reply('suppress', s.muted or 'unchanged', '') end
  local flags = changes('')
  if flags == '' then return reply('suppress', 'unchanged', '') end
  return reply('update', '', flags)
end
-- settle: ends flapping that has been stable for the window.
if not s.flapping then redis.call('SREM', flapSet, fp); return {'none'} end
if not stable() then return {'none'} end
endFlap()
if s.observed == 'resolved' then return resolveNow('flap-ended') end
if s.muted then return reply('suppress', s.muted, 'flap-ended') end
return reply('update', '', 'flap-ended')
