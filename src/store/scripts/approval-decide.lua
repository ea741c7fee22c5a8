--[[
  Applies one decision to an approval request, atomically, so two clicks at once cannot both count
  or both decide. Only the state is re-encoded: the request itself is kept apart, byte for byte.

  Input:
    KEYS[1] the approval's state JSON (Keys.approval)
    KEYS[2] the pending set (Keys.approvalsPending)

    ARGV[1] action: approve | deny | expire | fail
    ARGV[2] user (approve, deny)
    ARGV[3] now, epoch ms
    ARGV[4] reason (deny) or why it failed (fail)

  Output:
    {verdict, state JSON}: verdict is ok | missing | self | twice | decided | expired, and the JSON
    is the state after the decision ('' when missing)
]]
local raw = redis.call('GET', KEYS[1])
if not raw then return {'missing', ''} end
local r = cjson.decode(raw)
local now = tonumber(ARGV[3])
local action = ARGV[1]
if type(r.approvals) ~= 'table' then r.approvals = {} end
local function save(verdict)
  if r.status ~= 'pending' then redis.call('ZREM', KEYS[2], r.id) end
  local out = cjson.encode(r)
  redis.call('SET', KEYS[1], out, 'KEEPTTL')
  return {verdict, out}
end
if action == 'fail' then
  if r.status ~= 'approved' then return {'decided', raw} end
  r.status = 'failed'
  r.failure = ARGV[4]
  return save('ok')
end
if r.status ~= 'pending' then return {'decided', raw} end
if now >= r.expiresAt then
  r.status = 'expired'
  local _, out = unpack(save('expired'))
  return {'expired', out}
end
if action == 'expire' then return {'decided', raw} end
if action == 'deny' then
  r.status = 'denied'
  r.denial = { user = ARGV[2], at = now, reason = ARGV[4] }
  return save('ok')
end
if ARGV[2] == r.requester then return {'self', raw} end
for _, a in ipairs(r.approvals) do
  if a.user == ARGV[2] then return {'twice', raw} end
end
table.insert(r.approvals, { user = ARGV[2], at = now })
if #r.approvals >= r.quorum then r.status = 'approved' end
return save('ok')
