import GRDB

extension Database {
    /// Runs `body` in a savepoint: undone alone when it throws, kept in the enclosing transaction
    /// otherwise. Outside a transaction, `body` gets a transaction of its own (as GRDB's
    /// `inSavepoint` does).
    ///
    /// GRDB's `inSavepoint` compiles `SAVEPOINT` and `RELEASE` anew each time; every write of a
    /// group commit opens one or two savepoints, and compiling them was a tenth of the commit
    /// thread's time. These statements come from the connection's cache and run without GRDB's
    /// per-execution bookkeeping, whose savepoint stack serves only transaction observers (the
    /// store registers none); GRDB's `isInsideTransaction` asks SQLite itself.
    func inCachedSavepoint<T>(_ body: () throws -> T) throws -> T {
        guard isInsideTransaction else {
            var result: T?
            try inSavepoint {
                result = try body()
                return .commit
            }
            return result!
        }
        try cachedStatement(sql: "SAVEPOINT scimsync").run()
        let result: T
        do {
            result = try body()
        } catch {
            // SQLite may have rolled the whole transaction back under `body` (a full disk, an
            // interrupt): then there is no savepoint left to undo, and the caller sees the
            // transaction gone. A savepoint that cannot be undone takes the transaction with it,
            // so that nothing half done is ever committed.
            if isInsideTransaction {
                do {
                    try cachedStatement(sql: "ROLLBACK TRANSACTION TO SAVEPOINT scimsync").run()
                    try cachedStatement(sql: "RELEASE SAVEPOINT scimsync").run()
                } catch {
                    try? cachedStatement(sql: "ROLLBACK").run()
                }
            }
            throw error
        }
        try cachedStatement(sql: "RELEASE SAVEPOINT scimsync").run()
        return result
    }
}
