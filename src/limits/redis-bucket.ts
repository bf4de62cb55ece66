/**
 * The shared rate as one Lua script, run atomically by Redis (EVALSHA, EVAL when the server has not
 * seen it yet). Its clock is the Redis server's TIME, so the machines sharing a budget need not agree
 * on the time. One hash per budget:
 *
 *   rate     the current rate (queries per second): cut at a throttle, regained additively since `at`
 *   at       when rate was last brought up to date (µs, server clock)
 *   next     the earliest moment the next request may leave (µs): requests are spaced 1/rate apart,
 *            so no burst can put more than the rate into one second
 *   cut      when the rate was last cut: one cut per cooldown, however many clients saw the same throttle
 *   ceiling  the rate the console announced (X-Ratelimit-Limit-Requests), when it did
 *
 * KEYS[1] the budget; ARGV: op, qps (the clients' configured ceiling), recovery (qps regained per
 * second), minimum rate, idle expiry (ms), then per op:
 *   take      horizon (slots): reserves the next slot if at most that many slots are taken before it;
 *             answers the wait in µs, or minus the µs until a slot comes within the horizon (nothing
 *             reserved). A short horizon keeps reservations at an old rate few after a cut.
 *             Then pace (≤ 1): requests are spaced 1/(rate × pace) apart, a margin for lateness.
 *   throttle  cooldown (µs), factor: multiplies the rate by factor, once per cooldown
 *   limit     announced qps: a ceiling below the configured qps
 * Every op answers [result, rate as text].
 */
export const SHARED_RATE_SCRIPT = `
local key = KEYS[1]
local op = ARGV[1]
local qps = tonumber(ARGV[2])
local recovery = tonumber(ARGV[3])
local minimum = tonumber(ARGV[4])
local expiry = tonumber(ARGV[5])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local state = redis.call('HMGET', key, 'rate', 'at', 'next', 'cut', 'ceiling')
local ceiling = math.min(qps, tonumber(state[5]) or qps)
local floor = math.min(minimum, ceiling)
local rate = tonumber(state[1]) or ceiling
local at = tonumber(state[2]) or now
local nextAt = math.max(tonumber(state[3]) or now, now)
rate = math.max(floor, math.min(ceiling, rate + recovery * (now - at) / 1000000))
-- Lua writes a number with 14 digits, too few for microseconds since 1970: times go out as integers.
local function micros(t) return string.format('%.0f', t) end
local result = 0
if op == 'take' then
  local wait = nextAt - now
  local horizon = tonumber(ARGV[6]) * 1000000 / rate
  if wait > horizon then
    result = -(wait - horizon)
  else
    result = wait
    nextAt = nextAt + 1000000 / (rate * tonumber(ARGV[7]))
  end
elseif op == 'throttle' then
  local cooldown = tonumber(ARGV[6])
  if now - (tonumber(state[4]) or 0) >= cooldown then
    rate = math.max(floor, rate * tonumber(ARGV[7]))
    redis.call('HSET', key, 'cut', micros(now))
  end
elseif op == 'limit' then
  local announced = tonumber(ARGV[6])
  redis.call('HSET', key, 'ceiling', announced)
  rate = math.max(math.min(minimum, announced), math.min(rate, announced))
else
  return redis.error_reply('unknown op ' .. tostring(op))
end
redis.call('HSET', key, 'rate', string.format('%.17g', rate), 'at', micros(now), 'next', micros(nextAt))
redis.call('PEXPIRE', key, expiry)
return {result, tostring(rate)}
`;
