-- api_mix.lua — wrk script for the example API (client/examples/api, docs/example-api.md):
-- the seed's endpoints in a realistic mix, mostly reads and about 2 % writes.
--
--   wrk -t2 -c16 -d30s -s test/bench/api_mix.lua http://127.0.0.1:8080
--
-- Mix per request: 35 % course list, 25 % course detail, 20 % job search, 18 % wallet balance,
-- 2 % course update (POST). Pages are skewed towards the first ones (as people browse), ids and
-- users are uniform, categories uniform. 90 % of requests send Accept-Encoding: gzip.
-- AZORA_API_SCALE (default 1) is the -v scale=N the data was loaded with (scripts/elearning.sql):
-- 2000*N courses, 10000*N users, 20000*N jobs in 7 categories.
-- At the end it prints one machine-readable line (read by scripts and tests):
--   api_mix: requests=N duration_s=S rps=R p50_ms=A p95_ms=B p99_ms=C non2xx=E socket_errors=F bytes=B
local scale = tonumber(os.getenv("AZORA_API_SCALE") or "1") or 1
local courses = 2000 * scale
local users = 10000 * scale
local course_pages = math.floor(courses / 20)
local categories = { "engineering", "design", "sales", "support", "data", "marketing", "finance" }
local job_pages = math.floor(20000 * scale / 7 / 20)

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + (thread_id or 0))
end

-- A page in 1..max, mostly small: max * r^3 puts about half the requests on the first 1/8.
local function skewed_page(max)
  local r = math.random()
  return 1 + math.floor((max - 1) * r * r * r)
end

local function headers(extra)
  local h = extra or {}
  if math.random() < 0.9 then h["Accept-Encoding"] = "gzip" end
  return h
end

function request()
  local r = math.random(100)
  if r <= 35 then
    return wrk.format("GET", "/api/courses?page=" .. skewed_page(course_pages), headers())
  elseif r <= 60 then
    return wrk.format("GET", "/api/courses/" .. math.random(courses), headers())
  elseif r <= 80 then
    local c = categories[math.random(#categories)]
    return wrk.format("GET", "/api/jobs?category=" .. c .. "&page=" .. skewed_page(job_pages), headers())
  elseif r <= 98 then
    return wrk.format("GET", "/api/wallet/balance", headers({ ["X-User-Id"] = tostring(math.random(users)) }))
  else
    local id = math.random(courses)
    local body = string.format('{"title": "Course %d", "price_cents": %d}', id, 100 * math.random(0, 49))
    return wrk.format("POST", "/api/courses/" .. id, headers({ ["Content-Type"] = "application/json" }), body)
  end
end

function done(summary, latency, requests)
  local s = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "api_mix: requests=%d duration_s=%.3f rps=%.1f p50_ms=%.3f p95_ms=%.3f p99_ms=%.3f non2xx=%d socket_errors=%d bytes=%d\n",
    summary.requests, s, summary.requests / s, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, e.status,
    e.connect + e.read + e.write + e.timeout, summary.bytes))
end
