import DirectoryStore
import Foundation
import ScimService

/// Runs a console synchronization on a thread of its own, on a connection of its own, so the
/// request that started it answers at once; the run's row says how far it got.
enum SyncRunThread {
    static func start(_ run: SyncRun, databasePath: String, by actor: AdminActor) {
        let thread = Thread {
            do {
                let store = try DirectoryStore(path: databasePath, migrate: false)
                try store.synchronize(run: run, by: actor)
            } catch {
                // The run's row records the failure (when the database takes the write at all).
                ServiceLog.error("synchronization run \(run.id) failed: \(error)")
            }
        }
        thread.name = "sync-run-\(run.id)"
        thread.start()
    }
}
