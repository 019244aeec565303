/**
 * Lua scripts. Redis runs a script atomically, which is what makes a whole sync visible at once:
 * pages are staged under per-run keys that no reader looks at, and `commit` moves everything
 * into the seed's keys in one step, after checking that this run still holds the lock.
 *
 * Staging is laid out per target key (a set of tickers to add to each category or search-term
 * set, a ZSET of expiring scores, ...) so the commit works key by key in batches, and renames a
 * staged key into place when its target does not exist yet (a cold sync), instead of making one
 * call per ticker per index.
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
 * KEYS: 1 lock, 2 markets, 3 index, 4 expiring, 5 categories registry, 6 tickers ZSET,
 *       7 search terms ZSET, 8 outbox list, 9 outbox events of this sync, 10 last_sync,
 *       11 watermark, 12 runs, 13 runs:success, 14 set of staging sync ids
 * ARGV: 1 token, 2 sync id, 3 last_sync value ('' = leave), 4 watermark ('' = leave), 5 mode, 6 report JSON,
 *       7 staging prefix `{ENV}:secmaster:stage:{sync_id}:`, 8 by_category key prefix,
 *       9 search term key prefix
 * Returns the number of tickers in the outbox of this sync.
 */
export const COMMIT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return redis.error_reply('LOCK_LOST the sync lock expired or was taken over before the commit')
end
local S = ARGV[7]
local SCAN = 1000
-- Lua's unpack() is limited to a few thousand values: every variadic call goes through this.
local CHUNK = 2000

-- calls cmd(key, [lead...], values...) in chunks of CHUNK values (CHUNK is even: pairs stay whole)
local function chunked(cmd, key, values)
  for i = 1, #values, CHUNK do
    redis.call(cmd, key, unpack(values, i, math.min(i + CHUNK - 1, #values)))
  end
end

-- calls fn with batches of a set's members
local function each_batch(key, fn)
  if redis.call('EXISTS', key) == 0 then return end
  local cursor = '0'
  repeat
    local r = redis.call('SSCAN', key, cursor, 'COUNT', SCAN)
    cursor = r[1]
    if #r[2] > 0 then fn(r[2]) end
  until cursor == '0'
end

-- calls fn with batches of a hash's or zset's flattened field/value pairs
local function each_pair_batch(cmd, key, fn)
  if redis.call('EXISTS', key) == 0 then return end
  local cursor = '0'
  repeat
    local r = redis.call(cmd, key, cursor, 'COUNT', SCAN)
    cursor = r[1]
    if #r[2] > 0 then fn(r[2]) end
  until cursor == '0'
end

-- "0 a 0 b ..." for ZADD of members with score 0
local function zero_scored(members)
  local args = {}
  for _, m in ipairs(members) do args[#args + 1] = 0; args[#args + 1] = m end
  return args
end

-- moves a staged set of additions into its target set
local function merge_set(stage, target)
  if redis.call('EXISTS', stage) == 0 then return end
  if redis.call('EXISTS', target) == 0 then
    redis.call('RENAME', stage, target)
  else
    each_batch(stage, function(list) chunked('SADD', target, list) end)
    redis.call('DEL', stage)
  end
end

local function remove_set(stage, target)
  if redis.call('EXISTS', stage) == 0 then return end
  each_batch(stage, function(list) chunked('SREM', target, list) end)
  redis.call('DEL', stage)
end

local function merge_hash(stage, target)
  if redis.call('EXISTS', stage) == 0 then return end
  if redis.call('EXISTS', target) == 0 then
    redis.call('RENAME', stage, target)
  else
    each_pair_batch('HSCAN', stage, function(kv) chunked('HSET', target, kv) end)
    redis.call('DEL', stage)
  end
end

-- 1. markets leaving the cache
each_batch(S .. 'del', function(list)
  chunked('HDEL', KEYS[2], list)
  chunked('ZREM', KEYS[6], list)
end)
redis.call('DEL', S .. 'del')

-- 2. category sets: removals, then additions (a ticker never leaves and joins the same set)
each_batch(S .. 'cslugs', function(slugs)
  for _, slug in ipairs(slugs) do
    remove_set(S .. 'crem:' .. slug, ARGV[8] .. slug)
    merge_set(S .. 'cadd:' .. slug, ARGV[8] .. slug)
  end
end)
redis.call('DEL', S .. 'cslugs')
merge_hash(S .. 'cnames', KEYS[5])

-- 3. search term sets and the term dictionary
each_batch(S .. 'wterms', function(terms)
  local used, unused = {}, {}
  for _, term in ipairs(terms) do
    local target = ARGV[9] .. term
    remove_set(S .. 'wrem:' .. term, target)
    merge_set(S .. 'wadd:' .. term, target)
    if redis.call('EXISTS', target) == 1 then used[#used + 1] = term else unused[#unused + 1] = term end
  end
  if #unused > 0 then chunked('ZREM', KEYS[7], unused) end
  if #used > 0 then chunked('ZADD', KEYS[7], zero_scored(used)) end
end)
redis.call('DEL', S .. 'wterms')

-- 4. expiring ZSET and the ticker ZSET
each_batch(S .. 'xrem', function(list) chunked('ZREM', KEYS[4], list) end)
redis.call('DEL', S .. 'xrem')
if redis.call('EXISTS', S .. 'xadd') == 1 then
  if redis.call('EXISTS', KEYS[4]) == 0 then
    redis.call('RENAME', S .. 'xadd', KEYS[4])
  else
    each_pair_batch('ZSCAN', S .. 'xadd', function(pairs)
      local args = {}
      for i = 1, #pairs, 2 do args[#args + 1] = pairs[i + 1]; args[#args + 1] = pairs[i] end
      chunked('ZADD', KEYS[4], args)
    end)
    redis.call('DEL', S .. 'xadd')
  end
end
each_batch(S .. 'tadd', function(list) chunked('ZADD', KEYS[6], zero_scored(list)) end)
redis.call('DEL', S .. 'tadd')

-- 5. the markets and the compact index
merge_hash(S .. 'markets', KEYS[2])
merge_hash(S .. 'index', KEYS[3])
redis.call('DEL', S .. 'ops')

-- 6. the outbox, the sync's marks, and the run report
local events = 0
if redis.call('EXISTS', S .. 'events') == 1 then
  events = redis.call('HLEN', S .. 'events')
  redis.call('RENAME', S .. 'events', KEYS[9])
  redis.call('RPUSH', KEYS[8], ARGV[2])
end
if ARGV[3] ~= '' then redis.call('SET', KEYS[10], ARGV[3]) end
if ARGV[4] ~= '' then redis.call('SET', KEYS[11], ARGV[4]) end
redis.call('HSET', KEYS[12], ARGV[5], ARGV[6])
redis.call('HSET', KEYS[13], ARGV[5], ARGV[6])
redis.call('SREM', KEYS[14], ARGV[2])
return events`;
