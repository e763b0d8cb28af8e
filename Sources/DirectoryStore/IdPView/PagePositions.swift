import Synchronization

/// Where the pages of unfiltered, unsorted lists begin, learnt from the pages served: Okta's
/// import walks `/Users` with `startIndex` 1, 101, 201…, and each page then continues from the
/// last key of the one before it (`pk > key`) instead of skipping every row before it, so a walk
/// of a million users costs the same per page as one of ten thousand.
///
/// A position holds while the app has deleted no resource of the table since it was learnt
/// (``scim_tally``'s `deletions`): rows are never inserted before an existing key (a new `pk`
/// is larger than every other), so only a deletion can move a row to another index. Shared by the
/// threads of a process; another process learns its own (a miss costs an `OFFSET`, not a wrong page).
final class PagePositions: Sendable {
    static let shared = PagePositions()
    /// Positions kept before the oldest are forgotten.
    static let capacity = 4096

    struct Key: Hashable {
        /// The database file: tests and dry runs open several in one process.
        var database: String
        var appID: Int64
        var table: ListedTable
        var startIndex: Int
    }

    private struct Position {
        var afterKey: Int64
        var deletions: Int64
    }

    private let state = Mutex<[Key: Position]>([:])

    /// The key the page at `key.startIndex` starts after, if known and still valid.
    func start(of key: Key, deletions: Int64) -> Int64? {
        state.withLock { positions in
            guard let position = positions[key], position.deletions == deletions else { return nil }
            return position.afterKey
        }
    }

    /// Remembers that the page at `key.startIndex` starts after `afterKey`.
    func learn(_ key: Key, afterKey: Int64, deletions: Int64) {
        state.withLock { positions in
            if positions.count >= Self.capacity { positions.removeAll(keepingCapacity: true) }
            positions[key] = Position(afterKey: afterKey, deletions: deletions)
        }
    }
}
