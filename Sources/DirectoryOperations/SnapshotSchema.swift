import DirectoryStore
import GRDB

/// The schema of a database file from elsewhere (a snapshot), compared object by object with the
/// one this build's migrations make, because a schema holds code: a trigger or a view planted in
/// a snapshot would run in every responder once restored.
enum SnapshotSchema {
    /// One entry of `sqlite_master`: a table, an index, a view or a trigger, with its SQL.
    struct Object: Equatable {
        var type: String
        var name: String
        var table: String
        var sql: String?
    }

    /// Throws a ``StoreError/invalid(_:)`` naming the first object of `db` (the file at `path`)
    /// that is extra, missing or altered compared with this build's schema after `migration`.
    static func check(_ db: Database, path: String, migration: String) throws {
        let reference = try schema(after: migration)
        let found = try objects(db, path: path)
        let expected = try reference.read { try objects($0, path: "this build's schema") }
        let keys = Set(found.keys).union(expected.keys).sorted { order($0) < order($1) }
        let schema = "this build's schema \(migration)"
        for key in keys {
            switch (found[key], expected[key]) {
            case (let object?, nil):
                throw StoreError.invalid("\(path) has \(describe(object)) that \(schema) does not have")
            case (nil, let object?):
                throw StoreError.invalid("\(path) lacks the \(object.type) '\(object.name)' of \(schema)")
            case (let object?, let wanted?) where object != wanted:
                let difference = try columnDifference(of: object, in: db, from: reference)
                throw StoreError.invalid("\(path) has \(describe(object)) that differs from the one of \(schema)\(difference)")
            default:
                continue
            }
        }
    }

    /// The objects of `db`'s main schema by type and name (`rootpage` left out: it varies). Two
    /// of one type and name (only an edit of `sqlite_master` makes them, and SQLite refuses to
    /// load such a schema) are refused rather than one of them ignored.
    private static func objects(_ db: Database, path: String) throws -> [String: Object] {
        var objects: [String: Object] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT type, name, tbl_name, sql FROM main.sqlite_master") {
            let object = Object(type: row["type"], name: row["name"], table: row["tbl_name"], sql: row["sql"])
            guard objects.updateValue(object, forKey: "\(object.type) \(object.name)") == nil else {
                throw StoreError.invalid("\(path) has two \(object.type)s named '\(object.name)'")
            }
        }
        return objects
    }

    /// A new in-memory database, opened like every other connection, holding what this build's
    /// migrations make up to and including `migration`.
    private static func schema(after migration: String) throws -> DatabaseQueue {
        let queue = try DatabaseQueue(configuration: ConnectionHardening.configuration())
        try Migrations.migrator.migrate(queue, upTo: migration)
        return queue
    }

    /// Tables first, then indexes, views and triggers, each by name: the first difference
    /// reported does not depend on the order of `sqlite_master`.
    private static func order(_ key: String) -> (Int, String) {
        let rank = ["table", "index", "view", "trigger"].firstIndex { key.hasPrefix($0 + " ") } ?? 4
        return (rank, key)
    }

    private static func describe(_ object: Object) -> String {
        let article = object.type == "index" ? "an" : "a"
        return "\(article) \(object.type) '\(object.name)'"
    }

    /// For an altered table, a column it has or lacks (as `: it has the column 'x' …`).
    private static func columnDifference(of table: Object, in db: Database, from reference: DatabaseQueue) throws -> String {
        guard table.type == "table" else { return "" }
        let sql = "SELECT name FROM pragma_table_xinfo(?)"
        let have = try String.fetchAll(db, sql: sql, arguments: [table.name])
        let want = try reference.read { try String.fetchAll($0, sql: sql, arguments: [table.name]) }
        if let extra = have.first(where: { !want.contains($0) }) { return ": it has the column '\(extra)', which that one lacks" }
        if let missing = want.first(where: { !have.contains($0) }) { return ": it lacks the column '\(missing)'" }
        return ": its definition is not the same"
    }
}
