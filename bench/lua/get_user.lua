-- GET {BENCH_BASE_PATH}/Users/{id} for a random seeded id.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local paths, headers

function init(args)
   bench.seed_random()
   local base = bench.env("BENCH_BASE_PATH")
   paths = {}
   for i, user in ipairs(bench.read_users(bench.env("BENCH_USERS_FILE"))) do
      paths[i] = base .. "/Users/" .. user.id
   end
   headers = bench.auth_headers()
end

function request()
   return wrk.format("GET", paths[math.random(#paths)], headers)
end
