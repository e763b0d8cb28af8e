-- A fixed request (the URL given to wrk): static file and bare responder ceilings.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
