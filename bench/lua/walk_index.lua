-- Sequential startIndex walks, as Okta's import reads /Users: GET ?startIndex=S&count=N, then
-- S+N, S+2N, … to the end, then from 1 again. Every connection carries a walk: the walkers start
-- spread evenly over the list (walker g of W at page ⌊g·pages/W⌋; bench/grow.sh asks once for
-- the page before each start, so that the walk continues from a known key as an import would),
-- and each answer's startIndex and itemsPerPage give the page that follows it. The walks are
-- anonymous: a connection sends whichever page an answer made due next.
-- BENCH_PAGE_SIZE [100], BENCH_USER_COUNT, BENCH_WALKERS (wrk's -c), BENCH_THREADS (wrk's -t).
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local base, headers, size, walks

-- The first startIndex of every walker of this thread (the same formula as grow.sh's walk_starts).
local function walker_starts(users)
   local walkers = tonumber(bench.env("BENCH_WALKERS"))
   local threads = tonumber(bench.env("BENCH_THREADS"))
   local per_thread = math.floor(walkers / threads)
   local pages = math.max(1, math.ceil(users / size))
   local list = {}
   for k = 0, per_thread - 1 do
      local g = (thread_number - 1) * per_thread + k
      list[#list + 1] = math.floor(g * pages / walkers) * size + 1
   end
   return list
end

function init(args)
   base = bench.env("BENCH_BASE_PATH") .. "/Users?count=" .. bench.env("BENCH_PAGE_SIZE", "100") .. "&startIndex="
   size = tonumber(bench.env("BENCH_PAGE_SIZE", "100"))
   walks = bench.walks(walker_starts(tonumber(bench.env("BENCH_USER_COUNT"))))
   headers = bench.auth_headers()
end

function request()
   return wrk.format("GET", base .. walks.next(), headers)
end

function response(status, headers_, body)
   if status ~= 200 then return end
   local head = body:sub(1, 400)
   local total = tonumber(head:match('"totalResults":(%d+)'))
   local start = tonumber(head:match('"startIndex":(%d+)'))
   local shown = tonumber(body:sub(-120):match('"itemsPerPage":(%d+)'))
   if not (total and start and shown) then return end
   local following = start + shown
   if shown == 0 or following > total then following = 1 end
   walks.continue(following)
end
