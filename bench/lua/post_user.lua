-- POST {BENCH_BASE_PATH}/Users with a unique userName per request.
-- BENCH_RUN_TAG makes names unique across runs against the same database.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local path, headers, prefix
local counter = 0

function init(args)
   path = bench.env("BENCH_BASE_PATH") .. "/Users"
   headers = bench.auth_headers({ ["Content-Type"] = "application/scim+json" })
   -- BENCH_PHASE (warmup/measure) keeps the warm-up's names apart from the measured run's.
   prefix = "post-" .. bench.env("BENCH_RUN_TAG") .. "-" .. bench.env("BENCH_PHASE", "run") ..
      "-t" .. tostring(thread_number or 0) .. "-"
end

function request()
   counter = counter + 1
   local name = prefix .. counter
   local body = '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],' ..
      '"userName":"' .. name .. '@example.com","externalId":"' .. name .. '",' ..
      '"name":{"givenName":"Bench","familyName":"Post ' .. counter .. '"},' ..
      '"emails":[{"value":"' .. name .. '@example.com","type":"work","primary":true}],' ..
      '"active":true}'
   return wrk.format("POST", path, headers, body)
end
