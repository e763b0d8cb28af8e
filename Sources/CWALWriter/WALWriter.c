#include "WALWriter.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <string.h>

/* SQLite writes each WAL frame as two writes, its 24-byte header and then its page, so a commit
   of 60 pages cost 120 system calls inside the write lock. Here the writes of a WAL file gather
   in a buffer while they follow each other, and go out in one write:
   - after the page of a commit frame (a frame header whose "database size after commit" field
     is not zero), so a commit's frames are in the file before SQLite publishes them in the
     WAL index, whatever the connection's synchronous setting;
   - before a sync, a read, a truncation, a size query, a memory map or a close of the file;
   - before a write that does not follow the buffered ones, or that would overflow the buffer.
   Only frames of a transaction that has not committed can wait in the buffer, and no other
   connection reads those.

   A savepoint journal's file (SQLITE_OPEN_SUBJOURNAL) gets its writes cut into pieces the system
   VFS can make: SQLite copies a journal it held in memory to its file in one write of up to the
   spill size (SQLITE_CONFIG_STMTJRNL_SPILL), which past 128 KiB the system VFS answered with
   SQLITE_FULL (seen with SQLite 3.40). Every other file goes to the system's VFS untouched. */

/* The system VFS writes at most 0x1ffff bytes a call (unixWrite masks larger sizes), so the
   buffer holds 124 KiB: a commit of 60 pages goes out in two writes. */
enum { FRAME_HEADER_BYTES = 24, BUFFER_BYTES = 124 * 1024 };

typedef struct GatheredWAL {
    sqlite3_file base;
    sqlite3_file *file;          /* the system VFS's file, stored after this struct */
    unsigned char *buffer;       /* BUFFER_BYTES, allocated with the first write */
    int buffered;                /* bytes waiting, which belong at `start` in the file */
    sqlite3_int64 start;
    int commitFrameOpen;         /* a commit frame's header waits: write out after its page */
} GatheredWAL;

static sqlite3_vfs *systemVFS;
static sqlite3_vfs gatheringVFS;
/* Per thread, so that a test counts its own writes while others run. */
static _Thread_local long long writesMade;

static const sqlite3_io_methods *methods(GatheredWAL *wal) { return wal->file->pMethods; }

static int writeOut(GatheredWAL *wal) {
    if (wal->buffered == 0) return SQLITE_OK;
    int size = wal->buffered;
    wal->buffered = 0;
    writesMade += 1;
    return methods(wal)->xWrite(wal->file, wal->buffer, size, wal->start);
}

static int isCommitFrameHeader(const void *data, int amount) {
    if (amount != FRAME_HEADER_BYTES) return 0;
    const unsigned char *header = data;
    return (header[4] | header[5] | header[6] | header[7]) != 0;
}

static int walWrite(sqlite3_file *file, const void *data, int amount, sqlite3_int64 offset) {
    GatheredWAL *wal = (GatheredWAL *)file;
    int follows = wal->buffered > 0 && offset == wal->start + wal->buffered;
    if (wal->buffered > 0 && (!follows || wal->buffered + amount > BUFFER_BYTES)) {
        int rc = writeOut(wal);
        if (rc != SQLITE_OK) return rc;
    }
    if (wal->buffer == NULL) wal->buffer = sqlite3_malloc(BUFFER_BYTES);
    if (wal->buffer == NULL || amount > BUFFER_BYTES) {
        wal->commitFrameOpen = 0;
        writesMade += 1;
        return methods(wal)->xWrite(wal->file, data, amount, offset);
    }
    if (wal->buffered == 0) wal->start = offset;
    memcpy(wal->buffer + wal->buffered, data, (size_t)amount);
    wal->buffered += amount;
    if (wal->commitFrameOpen) {
        wal->commitFrameOpen = 0;
        return writeOut(wal);
    }
    wal->commitFrameOpen = isCommitFrameHeader(data, amount);
    return SQLITE_OK;
}

static int walRead(sqlite3_file *file, void *data, int amount, sqlite3_int64 offset) {
    GatheredWAL *wal = (GatheredWAL *)file;
    int rc = writeOut(wal);
    return rc != SQLITE_OK ? rc : methods(wal)->xRead(wal->file, data, amount, offset);
}

static int walTruncate(sqlite3_file *file, sqlite3_int64 size) {
    GatheredWAL *wal = (GatheredWAL *)file;
    int rc = writeOut(wal);
    return rc != SQLITE_OK ? rc : methods(wal)->xTruncate(wal->file, size);
}

static int walSync(sqlite3_file *file, int flags) {
    GatheredWAL *wal = (GatheredWAL *)file;
    int rc = writeOut(wal);
    return rc != SQLITE_OK ? rc : methods(wal)->xSync(wal->file, flags);
}

static int walFileSize(sqlite3_file *file, sqlite3_int64 *size) {
    GatheredWAL *wal = (GatheredWAL *)file;
    int rc = writeOut(wal);
    return rc != SQLITE_OK ? rc : methods(wal)->xFileSize(wal->file, size);
}

static int walClose(sqlite3_file *file) {
    GatheredWAL *wal = (GatheredWAL *)file;
    int written = writeOut(wal);
    int closed = methods(wal)->xClose(wal->file);
    sqlite3_free(wal->buffer);
    wal->buffer = NULL;
    return written != SQLITE_OK ? written : closed;
}

static int walFetch(sqlite3_file *file, sqlite3_int64 offset, int amount, void **pages) {
    GatheredWAL *wal = (GatheredWAL *)file;
    int rc = writeOut(wal);
    return rc != SQLITE_OK ? rc : methods(wal)->xFetch(wal->file, offset, amount, pages);
}

/* The rest as the system's file does it. */
static int walLock(sqlite3_file *file, int level) { return methods((GatheredWAL *)file)->xLock(((GatheredWAL *)file)->file, level); }
static int walUnlock(sqlite3_file *file, int level) { return methods((GatheredWAL *)file)->xUnlock(((GatheredWAL *)file)->file, level); }
static int walCheckReservedLock(sqlite3_file *file, int *out) {
    return methods((GatheredWAL *)file)->xCheckReservedLock(((GatheredWAL *)file)->file, out);
}
static int walFileControl(sqlite3_file *file, int op, void *arg) {
    return methods((GatheredWAL *)file)->xFileControl(((GatheredWAL *)file)->file, op, arg);
}
static int walSectorSize(sqlite3_file *file) { return methods((GatheredWAL *)file)->xSectorSize(((GatheredWAL *)file)->file); }
static int walDeviceCharacteristics(sqlite3_file *file) {
    return methods((GatheredWAL *)file)->xDeviceCharacteristics(((GatheredWAL *)file)->file);
}
static int walShmMap(sqlite3_file *file, int region, int size, int extend, void volatile **map) {
    return methods((GatheredWAL *)file)->xShmMap(((GatheredWAL *)file)->file, region, size, extend, map);
}
static int walShmLock(sqlite3_file *file, int offset, int count, int flags) {
    return methods((GatheredWAL *)file)->xShmLock(((GatheredWAL *)file)->file, offset, count, flags);
}
static void walShmBarrier(sqlite3_file *file) { methods((GatheredWAL *)file)->xShmBarrier(((GatheredWAL *)file)->file); }
static int walShmUnmap(sqlite3_file *file, int delete) {
    return methods((GatheredWAL *)file)->xShmUnmap(((GatheredWAL *)file)->file, delete);
}
static int walUnfetch(sqlite3_file *file, sqlite3_int64 offset, void *page) {
    return methods((GatheredWAL *)file)->xUnfetch(((GatheredWAL *)file)->file, offset, page);
}

/* At most this much a write call: less than the system VFS's 0x1ffff. */
enum { PIECE_BYTES = 64 * 1024 };

static int piecewiseWrite(sqlite3_file *file, const void *data, int amount, sqlite3_int64 offset) {
    GatheredWAL *journal = (GatheredWAL *)file;
    const unsigned char *bytes = data;
    while (amount > 0) {
        int piece = amount < PIECE_BYTES ? amount : PIECE_BYTES;
        int rc = methods(journal)->xWrite(journal->file, bytes, piece, offset);
        if (rc != SQLITE_OK) return rc;
        bytes += piece;
        offset += piece;
        amount -= piece;
    }
    return SQLITE_OK;
}

static const sqlite3_io_methods walMethods = {
    3, walClose, walRead, walWrite, walTruncate, walSync, walFileSize, walLock, walUnlock,
    walCheckReservedLock, walFileControl, walSectorSize, walDeviceCharacteristics,
    walShmMap, walShmLock, walShmBarrier, walShmUnmap, walFetch, walUnfetch,
};

/* A journal buffers nothing, so the WAL's other methods only forward its calls. */
static const sqlite3_io_methods journalMethods = {
    3, walClose, walRead, piecewiseWrite, walTruncate, walSync, walFileSize, walLock, walUnlock,
    walCheckReservedLock, walFileControl, walSectorSize, walDeviceCharacteristics,
    walShmMap, walShmLock, walShmBarrier, walShmUnmap, walFetch, walUnfetch,
};

static int gatheringOpen(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *outFlags) {
    (void)vfs;
    if (!(flags & (SQLITE_OPEN_WAL | SQLITE_OPEN_SUBJOURNAL))) return systemVFS->xOpen(systemVFS, name, file, flags, outFlags);
    GatheredWAL *wal = (GatheredWAL *)file;
    memset(wal, 0, sizeof *wal);
    wal->file = (sqlite3_file *)(wal + 1);
    int rc = systemVFS->xOpen(systemVFS, name, wal->file, flags, outFlags);
    /* The system file must offer what walMethods forwards to (its version 3 methods). */
    if (rc == SQLITE_OK && wal->file->pMethods != NULL && wal->file->pMethods->iVersion >= 3) {
        wal->base.pMethods = (flags & SQLITE_OPEN_WAL) ? &walMethods : &journalMethods;
        return SQLITE_OK;
    }
    if (rc == SQLITE_OK && wal->file->pMethods != NULL) wal->file->pMethods->xClose(wal->file);
    wal->base.pMethods = NULL;
    return rc == SQLITE_OK ? SQLITE_CANTOPEN : rc;
}

static int installed = SQLITE_ERROR;
static pthread_once_t installation = PTHREAD_ONCE_INIT;

/* The VFS's other methods are the system's own: the unix VFS's ignore the VFS object they are
   given, so the VFS is installed over "unix" only. */
static void install(void) {
    systemVFS = sqlite3_vfs_find(NULL);
    if (systemVFS == NULL || strcmp(systemVFS->zName, "unix") != 0) return;
    gatheringVFS = *systemVFS;
    gatheringVFS.pNext = NULL;
    gatheringVFS.zName = "scimsync-wal";
    gatheringVFS.szOsFile = (int)sizeof(GatheredWAL) + systemVFS->szOsFile;
    gatheringVFS.xOpen = gatheringOpen;
    installed = sqlite3_vfs_register(&gatheringVFS, 1);
}

int scimsync_wal_writer_install(void) {
    pthread_once(&installation, install);
    return installed;
}

long long scimsync_wal_writer_writes(void) { return writesMade; }
