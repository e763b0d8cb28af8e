-- Cursor walks (RFC 9865): GET /Users?count=N&cursor=C, then the answer's nextCursor, to the end,
-- then from the first page again. Every connection carries a walk; the walkers start spread over
-- the list like walk_index.lua's: BENCH_WALK_CURSORS lists one cursor per walker ("-" for the first
-- page), read by bench/grow.sh from the database as the keys a walk would have reached there.
-- BENCH_PAGE_SIZE [100], BENCH_WALKERS (wrk's -c), BENCH_THREADS (wrk's -t).
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local base, headers, walks

function init(args)
   base = bench.env("BENCH_BASE_PATH") .. "/Users?count=" .. bench.env("BENCH_PAGE_SIZE", "100") .. "&cursor="
   local all = {}
   for cursor in bench.env("BENCH_WALK_CURSORS"):gmatch("%S+") do
      all[#all + 1] = cursor == "-" and "" or cursor
   end
   local per_thread = math.floor(tonumber(bench.env("BENCH_WALKERS")) / tonumber(bench.env("BENCH_THREADS")))
   local starts = {}
   for k = 1, per_thread do
      starts[k] = all[((thread_number - 1) * per_thread + k - 1) % #all + 1]
   end
   walks = bench.walks(starts)
   headers = bench.auth_headers()
end

function request()
   return wrk.format("GET", base .. walks.next(), headers)
end

function response(status, headers_, body)
   if status ~= 200 then return end
   -- No nextCursor: the walk reached the end and starts again from the first page.
   walks.continue(body:sub(-200):match('"nextCursor":"([^"]*)"') or "")
end
