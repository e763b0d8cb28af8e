import ConfigDocument
import DirectoryStore
import Foundation
import GRDB

/// The checks a snapshot's data must pass before a restore puts it in front of the responders,
/// beyond its schema (``SnapshotSchema``): values the responders read back as trusted — a base URL
/// that goes into `Location` headers, resource JSON, versions they add one to, token expiries,
/// app rules — are checked as the CLI and the service check them when they are written.
enum SnapshotData {
    /// The largest resource version accepted: far beyond any real history, far from overflow.
    static let maxVersion: Int64 = 1 << 53

    /// Refuses `db` (the snapshot, migrated) naming the first row that fails, with `path` as the file.
    static func check(_ db: Database, path: String) throws {
        for row in try Row.fetchAll(db, sql: "SELECT name, base_url, rules FROM app ORDER BY id") {
            let name: String = row["name"]
            guard (try? DirectoryStore.validAppName(name)) == name else {
                throw refusal(path, "the app name '\(name.quotedForRefusal)' is not one an app can have")
            }
            if let url: String = row["base_url"], PublicBaseURL.normalized(url) != url {
                throw refusal(path, "app '\(name)' has a base URL that is not \(PublicBaseURL.expected)")
            }
            do {
                _ = try DirectoryStore.storedRules(row["rules"], app: name)
            } catch {
                throw refusal(path, "\(error)")
            }
        }
        for table in ["scim_user", "scim_group"] {
            if let id = try String.fetchOne(
                db,
                sql: "SELECT id FROM \(table) WHERE NOT json_valid(resource) OR version < 1 OR version > ? LIMIT 1",
                arguments: [maxVersion]
            ) {
                throw refusal(path, "\(table) row '\(id.quotedForRefusal)' holds a resource or a version the service cannot use")
            }
        }
        for row in try Row.fetchAll(db, sql: "SELECT hint, expires_at FROM app_token WHERE expires_at IS NOT NULL") {
            let expiry: String = row["expires_at"]
            guard (try? Date(expiry, strategy: Timestamp.parseStyle)) != nil else {
                throw refusal(path, "the token \(row["hint"] as String) has an expiry this server cannot read")
            }
        }
    }

    private static func refusal(_ path: String, _ what: String) -> StoreError {
        .invalid("\(path) cannot be restored: \(what)")
    }
}

extension String {
    /// The text cut to 64 characters for a refusal: a snapshot's author chose it.
    fileprivate var quotedForRefusal: String { count > 64 ? prefix(64) + "…" : self }
}
