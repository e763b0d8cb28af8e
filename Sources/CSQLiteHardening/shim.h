#ifndef SCIMSYNC_CSQLITEHARDENING_SHIM_H
#define SCIMSYNC_CSQLITEHARDENING_SHIM_H
#include <sqlite3.h>
#include <stdint.h>
#include <time.h>

/* sqlite3_db_config is variadic, so Swift cannot call it: these wrappers can be. */

/* Turns SQLite's defensive mode on; returns 1 if it is on afterwards. */
static inline int scimsync_sqlite_enable_defensive(sqlite3 *db) {
    int value = 0;
    if (sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, &value) != SQLITE_OK) return 0;
    return value;
}

/* Stops SQLite counting its memory use for this process, as SQLite's recommended builds do
   (SQLITE_DEFAULT_MEMSTATUS=0): the count took a global mutex on every allocation and free.
   Only takes effect before SQLite initialises; returns SQLITE_OK if it did. */
static inline int scimsync_sqlite_skip_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* Keeps a savepoint's journal in memory up to `bytes`, in one allocation of that size, before
   SQLite spills it to a temporary file (its default: 64 KiB). Only takes effect before SQLite
   initialises; returns SQLITE_OK if it did. */
static inline int scimsync_sqlite_statement_journal_spill(int bytes) {
    return sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, bytes);
}

/* 1 if the connection is in defensive mode, 0 if not, -1 if SQLite could not say. */
static inline int scimsync_sqlite_is_defensive(sqlite3 *db) {
    int value = -1;
    if (sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, -1, &value) != SQLITE_OK) return -1;
    return value;
}
/* The progress handler of a query deadline: nonzero (interrupt) once CLOCK_MONOTONIC passes the
   deadline, in nanoseconds, that `context` points to. */
static int scimsync_sqlite_past_deadline(void *context) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    uint64_t nanoseconds = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
    return nanoseconds > *(const uint64_t *)context;
}

/* Interrupts the statements of `db` that run past `*deadline` (checked every 4096 virtual machine
   steps) until it is called again with NULL. */
static inline void scimsync_sqlite_set_deadline(sqlite3 *db, const uint64_t *deadline) {
    sqlite3_progress_handler(db, 4096, deadline ? scimsync_sqlite_past_deadline : 0, (void *)deadline);
}

/* CLOCK_MONOTONIC in nanoseconds, the clock deadlines are measured on. */
static inline uint64_t scimsync_monotonic_nanoseconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}
#endif
