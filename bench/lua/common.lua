-- Shared by every wrk scenario script of bench/run.sh.
--
-- done() prints one machine-readable line that run.sh parses instead of wrk's text:
--   BENCH_RESULT {"requests":..,"duration_us":..,"p50_us":..,...}
-- Times are microseconds.  "status" counts responses with a status of 400 or more (what wrk
-- prints as "Non-2xx or 3xx responses"); the other error fields are socket errors.
--
-- Scenario scripts get their parameters from the environment (os.getenv works in every wrk
-- Lua state) because wrk's `-- args` reach init() only, not setup() or done().

bench = {}

-- Gives each wrk thread a number (1..t) that init() can read as the global `thread_number`.
local threads_started = 0
function setup(thread)
   threads_started = threads_started + 1
   thread:set("thread_number", threads_started)
end

function bench.env(name, default)
   local value = os.getenv(name)
   if value == nil or value == "" then
      if default == nil then error("bench: environment variable " .. name .. " is not set") end
      return default
   end
   return value
end

-- Reads a tab-separated file written by bench/seed_users.py: id, userName, externalId.
function bench.read_users(path)
   local users = {}
   local file = assert(io.open(path, "r"))
   for line in file:lines() do
      local id, user_name, external_id = line:match("^([^\t]+)\t([^\t]*)\t?([^\t]*)$")
      if id then users[#users + 1] = { id = id, userName = user_name, externalId = external_id } end
   end
   file:close()
   if #users == 0 then error("bench: no users in " .. path) end
   return users
end

function bench.urlencode(text)
   return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function bench.json_string(text)
   local escaped = text:gsub('[\\"]', '\\%0'):gsub('%c', function(c) return string.format("\\u%04x", string.byte(c)) end)
   return '"' .. escaped .. '"'
end

function bench.auth_headers(extra)
   local headers = { ["Authorization"] = "Bearer " .. bench.env("BENCH_TOKEN"),
                     ["Accept"] = "application/scim+json" }
   for k, v in pairs(extra or {}) do headers[k] = v end
   return headers
end

-- Distinct random sequences per thread and per run.
function bench.seed_random()
   math.randomseed(os.time() * 1000 + (thread_number or 0) * 7919 + math.floor(os.clock() * 1e6))
   for _ = 1, 10 do math.random() end
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,' ..
      '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f,' ..
      '"status_errors":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d}\n',
      summary.requests, summary.duration, summary.bytes,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
      e.status, e.connect, e.read, e.write, e.timeout))
end

-- The pages of a connection's walks: whichever page an answer made due next, else the next of
-- this thread's walker starts (a connection's first request, or one after an answer that
-- continued nothing). walk_index.lua and walk_cursor.lua page by startIndex and by cursor.
function bench.walks(starts)
   local walks = { due = {}, next_start = 0 }
   function walks.next()
      local page = table.remove(walks.due)
      if page ~= nil then return page end
      walks.next_start = walks.next_start % #starts + 1
      return starts[walks.next_start]
   end
   function walks.continue(page)
      walks.due[#walks.due + 1] = page
   end
   return walks
end
