import DirectoryStore
import Foundation
import SCIM

/// A store on a temporary SQLite file with the real schema, made once per process: one app with
/// a few users (emails, addresses, enterprise extension) and groups (users and a group as
/// members), created through the public store API as the service does.
public final class SeededStore: Sendable {
    public static let shared = SeededStore()
    /// Who the audit says made the seeded app and the dry-run imports.
    public static let actor = AdminActor("fuzz")

    public let store: DirectoryStore
    public let app: AuthenticatedApp
    let directory: URL

    private init() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("scimsync-fuzz-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            store = try DirectoryStore(path: directory.appendingPathComponent("fuzz.sqlite").path)
            try store.createApp(name: "fuzz", provider: .generic, directoryName: "Corp", createDirectory: true, by: Self.actor)
            let token = try store.issueToken(app: "fuzz", by: Self.actor).secret
            guard let app = try store.authenticate(appName: "fuzz", secret: token) else { fatalError("the fuzz app does not authenticate") }
            self.app = app
            try seed()
        } catch {
            fatalError("cannot seed the fuzz store in \(directory.path): \(error)")
        }
        removeAtExit(directory)
    }

    private var audit: AuditContext { AuditContext(appID: app.id, appName: app.name) }

    private func seed() throws {
        let users = try SeedData.users.map { try createUser($0) }
        let engineering = try createGroup("Engineering", members: users)
        _ = try createGroup("All staff", members: [users[0], engineering])
        _ = try createGroup("Empty", members: [])
    }

    private func createUser(_ body: String) throws -> String {
        let value = try JSONParser.parse(body)
        return try store.createScimUser(app: app, audit: audit) { id throws(ScimError) in
            try ResourceDocument.prepare(value, as: .user, id: id)
        }.id
    }

    private func createGroup(_ name: String, members: [String]) throws -> String {
        let value = try JSONParser.parse(SeedData.group(name))
        return try store.createScimGroup(app: app, members: members.map { MemberValue(id: $0) }, audit: audit) { id throws(ScimError) in
            try ResourceDocument.prepare(value, as: .group, id: id)
        }.id
    }

    /// Runs `query` as a list request of `type`, then the next page if it pages by cursor.
    /// A `ScimError` (the query's parser) or an `IdPViewError` (the store) is a clean refusal;
    /// any other error is a finding.
    public func list(_ query: ListQuery, of type: ResourceType, _ input: FuzzInput) {
        do {
            let page = try page(query, of: type)
            if let next = page.nextCursor {
                var following = query
                following.cursor = next
                _ = try self.page(following, of: type)
            }
        } catch is ScimError {
            return
        } catch is IdPViewError {
            return
        } catch {
            let sort = query.sortBy.map { " sorted by \($0)" } ?? ""
            input.fail("a \(type.name) list query\(sort) threw \(Swift.type(of: error)): \(error)")
        }
    }

    private func page(_ query: ListQuery, of type: ResourceType) throws -> ResourcePage {
        type.name == ResourceType.group.name
            ? try store.scimGroups(appID: app.id, query: query)
            : try store.scimUsers(appID: app.id, query: query)
    }
}

/// The temporary database goes with the process when libFuzzer ends it normally.
nonisolated(unsafe) private var temporaryDirectories: [URL] = []

private func removeAtExit(_ directory: URL) {
    temporaryDirectories.append(directory)
    atexit {
        for directory in temporaryDirectories { try? FileManager.default.removeItem(at: directory) }
    }
}
