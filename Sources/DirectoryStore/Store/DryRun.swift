import GRDB

extension DirectoryStore {
    /// Runs `body` on a private copy of the database, made beside it (mode 0600) from one read
    /// snapshot and deleted after, and returns what `body` returns: a dry run makes the very
    /// changes a real run would, in the same order and the same batches, for one app or for several
    /// that share a directory, while the live database is only read (no write lock, so IdP writes
    /// go on meanwhile). The copy costs disk space the size of the database, for a moment.
    package func rehearsal<T>(_ body: (DirectoryStore) throws -> T) throws -> T {
        let temporary = PrivateFile.temporaryPath(beside: path)
        defer { PrivateFile.removeDatabaseFiles(temporary) }
        try PrivateFile.create(temporary)
        do {
            let copy = try DatabaseQueue(path: temporary, configuration: ConnectionHardening.configuration())
            defer { try? copy.close() }
            try connection.backup(to: copy)
        }
        let rehearsal = try DirectoryStore(path: temporary, migrate: false)
        return try body(rehearsal)
    }
}
