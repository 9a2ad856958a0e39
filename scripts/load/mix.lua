-- wrk script of scripts/load.sh: a mix of reads and writes by several roles over the fixture
-- that scripts/load/fixture.py wrote (FIXTURE=path/to/fixture.lua).
--
--   MIX=full  search, single reads, candidates, offers, confirms, check-ins, withdrawals,
--             public feedback
--   MIX=read  the three staff reads only (phase 2: read latency with and without a login flood)
--
-- Each request carries X-Request-Id "ld-<kind>-<n>[-<assignment>]"; the server echoes it, so
-- response() knows what it answers whatever the number of connections per thread. Offers
-- that succeed feed this thread's confirms; confirms that succeed feed its check-ins and
-- withdrawals.
-- done() prints one line per kind with its status codes, then "LOAD5XX <n>".

local fixture_path = os.getenv("FIXTURE")
local mix = os.getenv("MIX") or "full"
local threads = {}
local thread_no = 0

function setup(thread)
  thread_no = thread_no + 1
  thread:set("tid", thread_no)
  table.insert(threads, thread)
end

local fx, staff_roles, volunteer_by_id
local confirmed_by = {}
local confirms, checkins, withdrawals = {}, {}, {}
-- "<kind> <status>" -> count. Global, so that done() can read it from every thread with
-- thread:get (which copies flat tables; a nested one crashed wrk 4.1).
counts = {}
local n = 0
local nthreads = tonumber(os.getenv("THREADS") or "1")

-- Weights (out of 100) per kind.
local weights
if mix == "read" then
  weights = { { "search", 45 }, { "read", 45 }, { "candidates", 10 } }
else
  weights = {
    { "search", 24 }, { "read", 24 }, { "candidates", 8 }, { "offer", 12 },
    { "confirm", 12 }, { "checkin", 8 }, { "withdraw", 4 }, { "feedback", 8 },
  }
end

function init(args)
  fx = dofile(fixture_path)
  math.randomseed(os.time() * 100 + (tid or 0))
  staff_roles = { "ministry_admin", "bureau_admin", "coordinator", "auditor" }
  volunteer_by_id = {}
  for i, v in ipairs(fx.volunteers) do volunteer_by_id[v.id] = i end
  -- Each thread takes its share of the offers made by the fixture.
  for i, o in ipairs(fx.offers) do
    if (i - 1) % nthreads == (tid or 1) - 1 then table.insert(confirms, o) end
  end
end

local function pick(list) return list[math.random(1, #list)] end

local function bearer(token)
  return { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
end

local function req(kind, method, path, token, body, tag)
  n = n + 1
  local headers = token and bearer(token) or { ["Content-Type"] = "application/json" }
  headers["X-Request-Id"] = "ld-" .. kind .. "-" .. (tid or 0) .. "x" .. n .. (tag and ("-" .. tag) or "")
  return wrk.format(method, path, headers, body)
end

local searches = {
  "/api/v1/volunteers?skill=performance.music&limit=20",
  "/api/v1/volunteers?skill=reading.promotion&language=zh&limit=20",
  "/api/v1/volunteers?home_region_code=330100&limit=20",
  "/api/v1/volunteers?q=%E5%8E%8B%E6%B5%8B&limit=20",
  "/api/v1/volunteers?skill=fine_arts.calligraphy:2&limit=50",
}

local function choose()
  local r, acc = math.random(1, 100), 0
  for _, w in ipairs(weights) do
    acc = acc + w[2]
    if r <= acc then return w[1] end
  end
  return weights[1][1]
end

function request()
  local kind = choose()
  if kind == "confirm" and #confirms == 0 then kind = "offer" end
  if kind == "checkin" and #checkins == 0 then kind = "read" end
  if kind == "withdraw" and #withdrawals == 0 then kind = "search" end
  if kind == "search" then
    return req(kind, "GET", pick(searches), fx.staff[pick(staff_roles)])
  elseif kind == "read" then
    return req(kind, "GET", "/api/v1/volunteers/" .. pick(fx.read_ids), fx.staff[pick(staff_roles)])
  elseif kind == "candidates" then
    return req(kind, "GET", "/api/v1/activities/" .. pick(fx.activities) .. "/candidates?limit=20",
      fx.staff.coordinator)
  elseif kind == "offer" then
    local v = pick(fx.volunteers)
    return req(kind, "POST", "/api/v1/activities/" .. pick(fx.activities) .. "/assignments",
      fx.staff.coordinator, '{"volunteer_id":' .. v.id .. '}')
  elseif kind == "confirm" then
    local o = table.remove(confirms, math.random(1, #confirms))
    confirmed_by[o.id] = o.volunteer
    return req(kind, "POST", "/api/v1/assignments/" .. o.id .. "/confirm",
      fx.volunteers[o.volunteer].token, "{}", o.id)
  elseif kind == "checkin" then
    local id = table.remove(checkins, math.random(1, #checkins))
    return req(kind, "POST", "/api/v1/assignments/" .. id .. "/check-in", fx.staff.coordinator, "{}", id)
  elseif kind == "withdraw" then
    local w = table.remove(withdrawals, math.random(1, #withdrawals))
    return req(kind, "POST", "/api/v1/assignments/" .. w.id .. "/withdraw",
      fx.volunteers[w.volunteer].token, '{"reason":"临时有事"}', w.id)
  else
    return req(kind, "POST", fx.feedback, nil,
      '{"rating":' .. math.random(3, 5) .. ',"comment":"演出很好，希望常来","target_group":"elderly"}')
  end
end

function response(status, headers, body)
  local rid = headers["x-request-id"] or headers["X-Request-Id"] or ""
  local kind, tag = rid:match("^ld%-(%a+)%-[%dx]+%-?(%d*)$")
  kind = kind or "unknown"
  local key = kind .. " " .. status
  counts[key] = (counts[key] or 0) + 1
  if kind == "offer" and status == 201 then
    local id = tonumber(body:match('"id":(%d+)'))
    local vol = volunteer_by_id[tonumber(body:match('"volunteer_id":(%d+)') or "0")]
    if id and vol then table.insert(confirms, { id = id, volunteer = vol }) end
  elseif kind == "confirm" and status == 200 and tag ~= "" then
    -- A confirmed assignment may be checked in and withdrawn, in either order or racing:
    -- withdrawing gives the place back, which the consistency query then checks.
    local id = tonumber(tag)
    table.insert(checkins, id)
    table.insert(withdrawals, { id = id, volunteer = confirmed_by[id] })
  end
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for key, k in pairs(t:get("counts") or {}) do
      local kind, s = key:match("^(%a+) (%d+)$")
      s = tonumber(s)
      total[kind] = total[kind] or {}
      total[kind][s] = (total[kind][s] or 0) + k
    end
  end
  local five = 0
  local kinds = {}
  for kind in pairs(total) do table.insert(kinds, kind) end
  table.sort(kinds)
  io.write("per request type (status: count)\n")
  for _, kind in ipairs(kinds) do
    local codes, all = {}, 0
    for s in pairs(total[kind]) do table.insert(codes, s) end
    table.sort(codes)
    local parts = {}
    for _, s in ipairs(codes) do
      local k = total[kind][s]
      all = all + k
      if s >= 500 then five = five + k end
      table.insert(parts, s .. ": " .. k)
    end
    io.write(string.format("  %-10s %7d  %s\n", kind, all, table.concat(parts, ", ")))
  end
  for _, p in ipairs({ 50, 90, 99 }) do
    io.write(string.format("LATENCY p%d %.2f ms\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("LOAD5XX %d\n", five))
end
