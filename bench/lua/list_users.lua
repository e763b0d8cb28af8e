-- GET {BENCH_BASE_PATH}/Users?startIndex=<random page start>&count=BENCH_PAGE_SIZE
-- (an IdP's paged read of the whole directory; BENCH_PAGE_SIZE defaults to 100).
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local base, headers, pages, size

function init(args)
   bench.seed_random()
   base = bench.env("BENCH_BASE_PATH") .. "/Users"
   size = tonumber(bench.env("BENCH_PAGE_SIZE", "100"))
   local users = tonumber(bench.env("BENCH_USER_COUNT"))
   pages = math.max(1, math.floor(users / size))
   headers = bench.auth_headers()
end

function request()
   local start = (math.random(pages) - 1) * size + 1
   return wrk.format("GET", base .. "?startIndex=" .. start .. "&count=" .. size, headers)
end
