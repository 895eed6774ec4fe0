-- Charges one event (a message, or one recipient) to a sender's limits, atomically: the same rules as the
-- in-process store (LocalCounterStore, SlidingWindow), so that sharing the counts is all that changes.
--
-- KEYS: one hash per limit key of the transaction. Field "RULE-WINDOW" = "INDEX PREVIOUS CURRENT" (a sliding window
--   kept as two fixed windows); field "cooldown" = epoch ms until which all of the key's mail is held.
-- ARGV[1]: now, epoch ms, from the caller's clock (never Redis's: tests set it, and every server counts alike)
-- ARGV[2]: seconds added to every TTL, so clocks a little apart never expire a window that still counts
-- ARGV[3]: how many counters follow; then 6 values per counter:
--   key (index into KEYS), window field, count, window length ms, refusable (1 or 0), cool-down ms
-- Returns {0, COUNTER} if a refusable counter had no room (nothing is charged), else
-- {1, N, N counters without room..., indexes of the keys cooling down...}.

local now = tonumber(ARGV[1])
local slack = tonumber(ARGV[2]) * 1000
local n = tonumber(ARGV[3])

-- x = q * l + m with 0 <= m < l, exactly, for integers x < 2^53 (a double's floor(x / l) may be one off)
local function divmod(x, l)
  local q = math.floor(x / l)
  local m = x - q * l
  if m < 0 then
    q, m = q - 1, m + l
  elseif m >= l then
    q, m = q + 1, m - l
  end
  return q, m
end

-- ceil(p * r / l) exactly for p < 2^31 and r, l < 2^32, whose product a double cannot hold
local function ceil_mul_div(p, r, l)
  local rh = math.floor(r / 65536)
  local q1, m1 = divmod(p * rh, l)
  local q2, m2 = divmod(m1 * 65536 + p * (r - rh * 65536), l)
  if m2 > 0 then
    q2 = q2 + 1
  end
  return q1 * 65536 + q2
end

-- a window read and moved on to now; a clock set back keeps what was counted
local function window(key, field, length)
  local w = {index = 0, previous = 0, current = 0, length = length, key = key, field = field}
  local saved = redis.call('HGET', KEYS[key], field)
  if saved then
    local i, p, c = string.match(saved, '^(%d+) (%d+) (%d+)$')
    if not i then
      return redis.error_reply('limits: bad window ' .. field .. ' in ' .. KEYS[key])
    end
    w.index, w.previous, w.current = tonumber(i), tonumber(p), tonumber(c)
  end
  local now_index = divmod(now, length)
  if now_index > w.index then
    w.previous = (now_index == w.index + 1) and w.current or 0
    w.current = 0
    w.index = now_index
  end
  return w
end

local function used(w)
  local elapsed = math.min(w.length, math.max(0, now - w.index * w.length))
  return ceil_mul_div(w.previous, w.length - elapsed, w.length) + w.current
end

local cooldown, expires = {}, {}
for k = 1, #KEYS do
  cooldown[k] = tonumber(redis.call('HGET', KEYS[k], 'cooldown') or '0')
  expires[k] = 0
end

-- two rules over the same window share its count: one event is charged to it once
local windows, counters = {}, {}
for i = 1, n do
  local b = 3 + (i - 1) * 6
  local key, field = tonumber(ARGV[b + 1]), ARGV[b + 2]
  local id = key .. ' ' .. field
  if not windows[id] then
    local w = window(key, field, tonumber(ARGV[b + 4]))
    if w.err then
      return w
    end
    windows[id] = w
  end
  counters[i] = {w = windows[id], key = key, count = tonumber(ARGV[b + 3]), refusable = ARGV[b + 5] == '1',
    cooldown = tonumber(ARGV[b + 6])}
end

local over, refused = {}, nil
for i, c in ipairs(counters) do
  if used(c.w) + 1 > c.count then
    over[#over + 1] = i
    if c.cooldown > 0 and now + c.cooldown > cooldown[c.key] then
      cooldown[c.key] = now + c.cooldown
      redis.call('HSET', KEYS[c.key], 'cooldown', string.format('%d', cooldown[c.key]))
      expires[c.key] = math.max(expires[c.key], cooldown[c.key])
    end
    if c.refusable and not refused then
      refused = i
    end
  end
end

if not refused then
  for _, w in pairs(windows) do
    w.current = w.current + 1
    redis.call('HSET', KEYS[w.key], w.field, string.format('%d %d %d', w.index, w.previous, w.current))
    -- nothing counted in it is inside the window any more once two more fixed windows have begun
    expires[w.key] = math.max(expires[w.key], (w.index + 2) * w.length)
  end
end

-- a key's hash lives as long as its longest window or cool-down, never shorter than it already would
for k = 1, #KEYS do
  if expires[k] > 0 then
    local ttl = expires[k] - now + slack
    local left = redis.call('PTTL', KEYS[k])
    if left < ttl then
      redis.call('PEXPIRE', KEYS[k], ttl)
    end
  end
end

if refused then
  return {0, refused}
end
local reply = {1, #over}
for _, i in ipairs(over) do
  reply[#reply + 1] = i
end
for k = 1, #KEYS do
  if cooldown[k] > now then
    reply[#reply + 1] = k
  end
end
return reply
