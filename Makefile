# ScimSync — the two commands:
#   make run    build (release), start the responder and a private nginx on 127.0.0.1:$(PORT)
#               (default 8080) with a demo app, print its SCIM base URL and bearer token
#   make test   unit tests (swift test) and integration tests (pytest, real nginx and Apache)
# and: make build (debug build), make bench (benchmarks, bench/run.sh), make bench-apache (the
# same behind Apache mod_proxy_fcgi and mod_fcgid), make clean.

SHELL := /bin/bash

.PHONY: run test build bench bench-apache bench-million bench-groups clean

run:
	scripts/run.sh

test:
	scripts/test.sh

build:
	swift build

bench:
	bench/run.sh

# Only the ceilings, then the million-user phase (bench/grow.sh).
bench-million:
	BENCH_SCENARIOS="$${BENCH_SCENARIOS:-c_fcgi bare}" bench/run.sh

# Behind Apache (bench/apache.sh): the scenarios the front end can change; the group PATCHes
# and the million-user phase measure the store, not the front end, and stay with `make bench`.
bench-apache:
	BENCH_FRONTENDS="$${BENCH_FRONTENDS:-apache-proxy-fcgi apache-fcgid}" BENCH_GROW_TO="$${BENCH_GROW_TO:-0}" \
	BENCH_SCENARIOS="$${BENCH_SCENARIOS:-c_fcgi bare get_user filter_username filter_external_id list_users commit_anchor post_user}" \
	bench/run.sh

bench-groups:
	python3 bench/large_groups.py

# Removes build products and the run-time files of `make run`; keeps the demo database
# (var/scimsync.sqlite) and its token (var/demo-token).
clean:
	swift package clean
	rm -rf var/run
	find Tests/integration -name __pycache__ -type d -prune -exec rm -rf {} +
