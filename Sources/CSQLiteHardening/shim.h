#ifndef SCIMSYNC_CSQLITEHARDENING_SHIM_H
#define SCIMSYNC_CSQLITEHARDENING_SHIM_H
#include <sqlite3.h>

/* sqlite3_db_config is variadic, so Swift cannot call it: these wrappers can be. */

/* Turns SQLite's defensive mode on; returns 1 if it is on afterwards. */
static inline int scimsync_sqlite_enable_defensive(sqlite3 *db) {
    int value = 0;
    if (sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, &value) != SQLITE_OK) return 0;
    return value;
}

/* 1 if the connection is in defensive mode, 0 if not, -1 if SQLite could not say. */
static inline int scimsync_sqlite_is_defensive(sqlite3 *db) {
    int value = -1;
    if (sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, -1, &value) != SQLITE_OK) return -1;
    return value;
}
#endif
