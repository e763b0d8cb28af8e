-- GET {BENCH_CROWD_PATH}?username={random seeded userName} through the Crowd API, with the
-- client's Basic credentials (BENCH_BASIC: base64 of "name:password") and Accept JSON.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local paths, headers

function init(args)
   bench.seed_random()
   local base = bench.env("BENCH_CROWD_PATH")
   paths = {}
   for i, user in ipairs(bench.read_users(bench.env("BENCH_USERS_FILE"))) do
      paths[i] = base .. "?username=" .. bench.urlencode(user.userName)
   end
   headers = { ["Authorization"] = "Basic " .. bench.env("BENCH_BASIC"), ["Accept"] = "application/json" }
end

function request()
   return wrk.format("GET", paths[math.random(#paths)], headers)
end
