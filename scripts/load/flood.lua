-- wrk script of scripts/load.sh, phase 2: a flood of wrong-password logins for random
-- (mostly unknown) usernames, each of which costs the server an argon2 verification at the
-- configured cost (the same flood as scripts/login-flood.sh, logins only). done() prints the
-- status codes the flood got back and "FLOOD5XX <n>".
local threads = {}
function setup(thread) table.insert(threads, thread) end
statuses = {}
local n = 0
function init(args) math.randomseed(os.time() + math.random(1, 1000000)) end
function request()
  n = n + 1
  local who = string.format("flood%d_%d", math.random(1, 1000000000), n)
  return wrk.format("POST", "/api/v1/auth/login", { ["Content-Type"] = "application/json" },
    '{"username":"' .. who .. '","password":"wrong-password-123"}')
end
function response(status) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local total, five = {}, 0
  for _, t in ipairs(threads) do
    for s, k in pairs(t:get("statuses") or {}) do total[s] = (total[s] or 0) + k end
  end
  local codes, parts = {}, {}
  for s in pairs(total) do table.insert(codes, s) end
  table.sort(codes)
  for _, s in ipairs(codes) do
    table.insert(parts, s .. ": " .. total[s])
    if s >= 500 then five = five + total[s] end
  end
  io.write("flood answers: " .. table.concat(parts, ", ") .. "\n")
  io.write(string.format("FLOOD5XX %d\n", five))
end
