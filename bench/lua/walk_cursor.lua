-- Cursor walks (RFC 9865): GET /Users?count=N&cursor=C, then the answer's nextCursor, to the end,
-- then from the first page again. Every connection carries a walk; the walkers start spread over
-- the list like walk_index.lua's: BENCH_WALK_CURSORS lists one cursor per walker ("-" for the first
-- page), read by bench/grow.sh from the database as the keys a walk would have reached there.
-- BENCH_PAGE_SIZE [100], BENCH_WALKERS (wrk's -c), BENCH_THREADS (wrk's -t).
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local base, headers, due, starts, next_start

function init(args)
   base = bench.env("BENCH_BASE_PATH") .. "/Users?count=" .. bench.env("BENCH_PAGE_SIZE", "100") .. "&cursor="
   local all = {}
   for cursor in bench.env("BENCH_WALK_CURSORS"):gmatch("%S+") do
      all[#all + 1] = cursor == "-" and "" or cursor
   end
   local per_thread = math.floor(tonumber(bench.env("BENCH_WALKERS")) / tonumber(bench.env("BENCH_THREADS")))
   starts = {}
   for k = 1, per_thread do
      starts[k] = all[((thread_number - 1) * per_thread + k - 1) % #all + 1]
   end
   next_start = 0
   due = {}
   headers = bench.auth_headers()
end

function request()
   local cursor = table.remove(due)
   if cursor == nil then
      next_start = next_start % #starts + 1
      cursor = starts[next_start]
   end
   return wrk.format("GET", base .. cursor, headers)
end

function response(status, headers_, body)
   if status ~= 200 then return end
   -- No nextCursor: the walk reached the end and starts again from the first page.
   due[#due + 1] = body:sub(-200):match('"nextCursor":"([^"]*)"') or ""
end
