import DirectoryStore
import Foundation
import GRDB
import SCIM
import TestSupport

/// A store on a fresh SQLite file, with helpers to make apps and users.
struct StoreFixture {
    let temporary: TemporaryDirectory
    let path: String
    let store: DirectoryStore

    /// `pageSize`: the file is made with pages of that size first, as an older build made it.
    init(pageSize: Int? = nil) throws {
        temporary = try TemporaryDirectory()
        path = temporary.path("scimsync.sqlite")
        if let pageSize {
            let queue = try DatabaseQueue(path: path)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA page_size = \(pageSize)")
                try db.execute(sql: "PRAGMA journal_mode = WAL")
            }
            try queue.close()
        }
        store = try DirectoryStore(path: path)
    }

    /// Creates an app (and its directory if needed) and returns it as its token authenticates it.
    func app(_ name: String, directory: String = "Corp") throws -> (app: AuthenticatedApp, token: String) {
        try store.createApp(name: name, provider: .generic, directoryName: directory, createDirectory: true, by: .test)
        let token = try store.issueToken(app: name, by: .test).secret
        guard let app = try store.authenticate(appName: name, secret: token) else { throw StoreError.notFound(name) }
        return (app, token)
    }

    @discardableResult
    func createUser(_ app: AuthenticatedApp, _ body: String) throws -> StoredResource {
        let value = try JSONParser.parse(body)
        return try store.createScimUser(app: app, audit: AuditContext(appID: app.id, appName: app.name)) { id throws(ScimError) in
            try ResourceDocument.prepare(value, as: .user, id: id)
        }
    }

    /// Replaces the user with `body` (as PUT does).
    @discardableResult
    func replaceUser(_ app: AuthenticatedApp, _ id: String, ifMatch: String? = nil, _ body: String) throws -> StoredResource {
        let value = try JSONParser.parse(body)
        return try store.updateScimUser(app: app, id: id, ifMatch: ifMatch, audit: AuditContext()) { _ throws(ScimError) in
            try ResourceDocument.prepare(value, as: .user, id: id)
        }
    }

    /// The userNames of a list query's page, in order, and its total.
    func list(_ app: AuthenticatedApp, _ parameters: [String: String]) throws -> (names: [String], total: Int) {
        let page = try store.scimUsers(appID: app.id, query: try ListQuery.parse(parameters, resourceType: .user))
        return (page.resources.map { $0.object()["userName"]?.stringValue ?? "?" }, page.totalResults)
    }

    func names(_ app: AuthenticatedApp, filter: String) throws -> [String] {
        try list(app, ["filter": filter]).names
    }
}

func userBody(_ members: String) -> String {
    #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],\#(members)}"#
}

/// Sleeps long enough for the store's millisecond timestamps to move on.
func tick() {
    Thread.sleep(forTimeInterval: 0.005)
}
