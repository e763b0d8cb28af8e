-- GET {BENCH_BASE_PATH}/Users?filter=ATTRIBUTE eq "<random seeded value>"
-- BENCH_FILTER_ATTRIBUTE: userName (default) or externalId.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local paths, headers

function init(args)
   bench.seed_random()
   local base = bench.env("BENCH_BASE_PATH")
   local attribute = bench.env("BENCH_FILTER_ATTRIBUTE", "userName")
   paths = {}
   for _, user in ipairs(bench.read_users(bench.env("BENCH_USERS_FILE"))) do
      local value = user[attribute]
      if value and value ~= "" then
         local filter = attribute .. " eq " .. bench.json_string(value)
         paths[#paths + 1] = base .. "/Users?filter=" .. bench.urlencode(filter)
      end
   end
   if #paths == 0 then error("bench: no seeded user has a " .. attribute) end
   headers = bench.auth_headers()
end

function request()
   return wrk.format("GET", paths[math.random(#paths)], headers)
end
