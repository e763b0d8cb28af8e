/* The single-commit anchor of the write benchmarks (issue 12, goal 5): how many durable
 * transactions of one insert each SQLite commits per second on this disk, in WAL mode with
 * synchronous=FULL (an fdatasync of the WAL per commit), from one connection, with no server in
 * front. Group commit should take POST /Users past it.
 *
 *   cc -O2 -o commit_anchor bench/commit_anchor.c -lsqlite3
 *   commit_anchor DATABASE SECONDS     prints: {"commits":N,"seconds":S,"per_second":R}
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void check(int code, sqlite3 *db, const char *what) {
    if (code == SQLITE_OK || code == SQLITE_DONE || code == SQLITE_ROW) return;
    fprintf(stderr, "commit_anchor: %s: %s\n", what, sqlite3_errmsg(db));
    exit(1);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: commit_anchor DATABASE SECONDS\n");
        return 2;
    }
    double seconds = atof(argv[2]);
    sqlite3 *db;
    check(sqlite3_open(argv[1], &db), db, "open");
    check(sqlite3_exec(db,
                       "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                       "CREATE TABLE IF NOT EXISTS anchor (id INTEGER PRIMARY KEY, name TEXT UNIQUE, body TEXT);",
                       0, 0, 0),
          db, "set up");
    sqlite3_stmt *insert;
    check(sqlite3_prepare_v2(db, "INSERT INTO anchor (name, body) VALUES (?, ?)", -1, &insert, 0), db, "prepare");
    /* About the size of a stored SCIM user. */
    char body[600];
    for (int i = 0; i < (int)sizeof body - 1; i++) body[i] = 'a' + i % 26;
    body[sizeof body - 1] = 0;
    long commits = 0;
    double started = now(), elapsed = 0;
    char name[64];
    while (elapsed < seconds) {
        check(sqlite3_exec(db, "BEGIN IMMEDIATE", 0, 0, 0), db, "begin");
        snprintf(name, sizeof name, "user-%ld-%f", commits, started);
        sqlite3_bind_text(insert, 1, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 2, body, -1, SQLITE_STATIC);
        check(sqlite3_step(insert), db, "insert");
        sqlite3_reset(insert);
        check(sqlite3_exec(db, "COMMIT", 0, 0, 0), db, "commit");
        commits++;
        elapsed = now() - started;
    }
    sqlite3_finalize(insert);
    sqlite3_close(db);
    printf("{\"commits\":%ld,\"seconds\":%.3f,\"per_second\":%.1f}\n", commits, elapsed, commits / elapsed);
    return 0;
}
