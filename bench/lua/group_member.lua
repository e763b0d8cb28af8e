-- PATCH {BENCH_BASE_PATH}/Groups/{BENCH_GROUP_ID}: adds one member, and on the next request
-- removes it again, with members drawn from a pool of users who are not in the group
-- (BENCH_CANDIDATES_FILE, one id per line). Expects 204 (a member-only PATCH).
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local path, headers, candidates
local pending = nil

function init(args)
   bench.seed_random()
   path = bench.env("BENCH_BASE_PATH") .. "/Groups/" .. bench.env("BENCH_GROUP_ID")
   headers = bench.auth_headers({ ["Content-Type"] = "application/scim+json" })
   candidates = {}
   for line in io.lines(bench.env("BENCH_CANDIDATES_FILE")) do candidates[#candidates + 1] = line end
end

local prefix = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":['

function request()
   local body
   if pending then
      body = prefix .. '{"op":"remove","path":"members[value eq \\"' .. pending .. '\\"]"}]}'
      pending = nil
   else
      pending = candidates[math.random(#candidates)]
      body = prefix .. '{"op":"add","path":"members","value":[{"value":"' .. pending .. '"}]}]}'
   end
   return wrk.format("PATCH", path, headers, body)
end
