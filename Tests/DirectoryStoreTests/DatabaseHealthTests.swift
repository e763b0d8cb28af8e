import DirectoryStore
import Foundation
import Testing

@Suite struct DatabaseHealthTests {
    @Test func aFreshDatabaseIsHealthy() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("health-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("scimsync.sqlite").path
        let store = try DirectoryStore(path: path)
        _ = try store.apps()
        let health = DatabaseHealth.check(path: path)
        #expect(health == DatabaseHealth(readable: true, writable: true, schemaCurrent: true))
    }

    @Test func aMissingDatabaseIsNot() {
        let health = DatabaseHealth.check(path: "/nonexistent/scimsync.sqlite")
        #expect(!health.healthy)
        #expect(health.problem != nil)
    }
}
