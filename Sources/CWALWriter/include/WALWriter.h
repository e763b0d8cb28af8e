#ifndef SCIMSYNC_WAL_WRITER_H
#define SCIMSYNC_WAL_WRITER_H

/* Makes the "scimsync-wal" VFS SQLite's default: the system's default VFS, except that a WAL
   file's writes are gathered and written together, one pwrite(2) for a commit's frames instead
   of two per page, and a savepoint journal's file is written in pieces of at most 64 KiB (the
   system VFS fails a write past 128 KiB). Connections opened before the call keep the VFS they had. Returns SQLITE_OK,
   or SQLite's error when the VFS could not be registered; calling it again does nothing. */
int scimsync_wal_writer_install(void);

/* The writes this thread has made to gathered WAL files, for the tests. */
long long scimsync_wal_writer_writes(void);

#endif
