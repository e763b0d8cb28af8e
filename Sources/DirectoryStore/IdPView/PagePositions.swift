import Foundation

/// Where the pages of unfiltered, unsorted lists begin, learnt from the pages served: Okta's
/// import walks `/Users` with `startIndex` 1, 101, 201…, and each page then continues from the
/// last key of the one before it (`pk > key`) instead of skipping every row before it, so a walk
/// of a million users costs the same per page as one of ten thousand. A page nobody asked for the
/// page before of starts from the nearest position learnt below it, and skips only the rows
/// between (a random page of a million users skips a few hundred rows, not half a million).
///
/// A position holds while the app has deleted no resource of the table since it was learnt
/// (``scim_tally``'s `deletions`): rows are never inserted before an existing key (a new `pk`
/// is larger than every other), so only a deletion can move a row to another index. Shared by the
/// threads of a process; another process learns its own (a miss costs an `OFFSET`, not a wrong page).
final class PagePositions: @unchecked Sendable {
    static let shared = PagePositions()
    /// Positions kept per list: past it every other one is forgotten, so those kept stay spread
    /// over the whole list (10,000 pages of 100 cover a million rows).
    static let positionsPerList = 10_000
    /// Lists remembered (apps × tables × database files) before all are forgotten.
    static let lists = 256

    /// One app's list of one table in one database file (tests and dry runs open several).
    struct List: Hashable {
        var database: String
        var appID: Int64
        var table: ListedTable
    }

    /// The page at `startIndex` starts after the row whose key is `afterKey`.
    struct Position: Equatable {
        var startIndex: Int
        var afterKey: Int64
    }

    private struct Learnt {
        var deletions: Int64
        /// By `startIndex`, ascending.
        var positions: [Position] = []
    }

    /// A plain mutex: the standard library's `Mutex` spins and then takes a priority-inheriting
    /// futex, which with more worker threads than cores cost a list page more than its lookup.
    private let lock = NSLock()
    private var lists: [List: Learnt] = [:]

    /// The position nearest to `startIndex` at or below it, if one is known and still valid.
    func nearest(atOrBelow startIndex: Int, in list: List, deletions: Int64) -> Position? {
        lock.withLock {
            guard let learnt = lists[list], learnt.deletions == deletions else { return nil }
            let index = Self.insertionIndex(of: startIndex, in: learnt.positions, after: true)
            return index > 0 ? learnt.positions[index - 1] : nil
        }
    }

    /// Remembers `position` of `list`; a deletion since the others were learnt forgets them.
    /// Changes the list where it is kept: a copy of its positions under the lock, every page, would
    /// cost the walk what the positions save it.
    func learn(_ position: Position, in list: List, deletions: Int64) {
        lock.withLock {
            if lists[list] == nil, lists.count >= Self.lists { lists.removeAll(keepingCapacity: true) }
            Self.learn(position, deletions: deletions, into: &lists[list, default: Learnt(deletions: deletions)])
        }
    }

    private static func learn(_ position: Position, deletions: Int64, into learnt: inout Learnt) {
        if learnt.deletions != deletions { learnt = Learnt(deletions: deletions) }
        let index = insertionIndex(of: position.startIndex, in: learnt.positions)
        if index < learnt.positions.count, learnt.positions[index].startIndex == position.startIndex {
            // A page read again (a random page's usual case) changes nothing.
            if learnt.positions[index] != position { learnt.positions[index] = position }
        } else {
            learnt.positions.insert(position, at: index)
        }
        if learnt.positions.count > positionsPerList {
            learnt.positions = learnt.positions.enumerated().filter { $0.offset.isMultiple(of: 2) }.map(\.element)
        }
    }

    /// The index of the first position whose `startIndex` is `startIndex` or more (`after`: more).
    /// No `+ 1` on a client's `startIndex`: it may be `Int.max`.
    private static func insertionIndex(of startIndex: Int, in positions: [Position], after: Bool = false) -> Int {
        var low = 0
        var high = positions.count
        while low < high {
            let middle = (low + high) / 2
            let before = after ? positions[middle].startIndex <= startIndex : positions[middle].startIndex < startIndex
            if before { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
