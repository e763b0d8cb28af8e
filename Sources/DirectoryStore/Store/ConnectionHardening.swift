import CSQLiteHardening
import GRDB

/// What every SQLite connection of ScimSync is opened with (the store's, a backup's copy, a
/// restore's staging copy, the schema a restore compares with), because a database file may
/// come from elsewhere (a snapshot) and its schema is then not to be trusted:
///
/// - `PRAGMA trusted_schema = OFF`: triggers and views run only functions that SQLite marks
///   innocuous, so a planted trigger cannot call a function with side effects;
/// - defensive mode (`SQLITE_DBCONFIG_DEFENSIVE`): no `writable_schema`, no direct writes to
///   `sqlite_master` or shadow tables, nothing that can corrupt the file on purpose.
package enum ConnectionHardening {
    /// A GRDB configuration that hardens each connection as it opens.
    package static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.prepareDatabase { db in try harden(db) }
        return configuration
    }

    /// Applies both settings to `db`; throws if SQLite does not take them.
    static func harden(_ db: Database) throws {
        guard scimsync_sqlite_enable_defensive(db.sqliteConnection) == 1 else {
            throw StoreError.invalid("SQLite refused to turn on defensive mode")
        }
        try db.execute(sql: "PRAGMA trusted_schema = OFF")
    }
}
