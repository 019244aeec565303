/**
 * Lua scripts. Redis runs a script atomically, which is what makes a whole sync visible at once:
 * pages are staged under per-run keys that no reader looks at, and `commit` moves everything
 * into the seed's keys in one step, after checking that this run still holds the lock.
 */

/** KEYS[1] lock; ARGV[1] token, ARGV[2] ttl ms. Returns 1 when renewed. */
export const RENEW_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

/** KEYS[1] lock; ARGV[1] token. Compare-and-delete. */
export const RELEASE_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/**
 * KEYS: 1 lock, 2 markets, 3 index, 4 expiring, 5 categories registry, 6 stage markets,
 *       7 stage index, 8 stage events, 9 stage ops, 10 outbox list, 11 outbox events of this sync,
 *       12 last_sync, 13 watermark, 14 runs, 15 runs:success, 16 tickers ZSET, 17 search terms ZSET,
 *       18 set of staging sync ids
 * ARGV: 1 token, 2 sync id, 3 last_sync value, 4 watermark value ('' = leave), 5 by_category key prefix,
 *       6 mode, 7 report JSON, 8 search term key prefix
 * Returns the number of tickers written.
 */
export const COMMIT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return redis.error_reply('LOCK_LOST the sync lock expired or was taken over before the commit')
end
local function each(key, fn)
  local cursor = '0'
  repeat
    local r = redis.call('HSCAN', key, cursor, 'COUNT', 1000)
    cursor = r[1]
    local kv = r[2]
    for i = 1, #kv, 2 do fn(kv[i], kv[i + 1]) end
  until cursor == '0'
end
local function merge(stage, target)
  if redis.call('EXISTS', stage) == 0 then return end
  if redis.call('EXISTS', target) == 0 then
    redis.call('RENAME', stage, target)
  else
    each(stage, function(f, v) redis.call('HSET', target, f, v) end)
    redis.call('DEL', stage)
  end
end
local written = 0
each(KEYS[9], function(ticker, raw)
  local op = cjson.decode(raw)
  written = written + 1
  if op.d then redis.call('HDEL', KEYS[2], ticker) end
  if op.f and op.f ~= op.t then redis.call('SREM', ARGV[5] .. op.f, ticker) end
  if op.t then
    redis.call('SADD', ARGV[5] .. op.t, ticker)
    if op.n then redis.call('HSET', KEYS[5], op.t, op.n) end
  end
  if op.s then redis.call('ZADD', KEYS[4], op.s, ticker) else redis.call('ZREM', KEYS[4], ticker) end
  if op.d then redis.call('ZREM', KEYS[16], ticker) else redis.call('ZADD', KEYS[16], 0, ticker) end
  if op.wr then
    for _, term in ipairs(op.wr) do
      redis.call('SREM', ARGV[8] .. term, ticker)
      if redis.call('EXISTS', ARGV[8] .. term) == 0 then redis.call('ZREM', KEYS[17], term) end
    end
  end
  if op.wa then
    for _, term in ipairs(op.wa) do
      if redis.call('SADD', ARGV[8] .. term, ticker) == 1 then redis.call('ZADD', KEYS[17], 0, term) end
    end
  end
end)
redis.call('DEL', KEYS[9])
merge(KEYS[6], KEYS[2])
merge(KEYS[7], KEYS[3])
if redis.call('EXISTS', KEYS[8]) == 1 then
  redis.call('RENAME', KEYS[8], KEYS[11])
  redis.call('RPUSH', KEYS[10], ARGV[2])
end
redis.call('SET', KEYS[12], ARGV[3])
if ARGV[4] ~= '' then redis.call('SET', KEYS[13], ARGV[4]) end
redis.call('HSET', KEYS[14], ARGV[6], ARGV[7])
redis.call('HSET', KEYS[15], ARGV[6], ARGV[7])
redis.call('SREM', KEYS[18], ARGV[2])
return written`;
