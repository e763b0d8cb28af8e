import Foundation

/// One synchronization of an app started from the console, as `sync_run` records it.
public struct SyncRun: Sendable, Equatable {
    /// Where a run is; each phase is written in the transaction that begins it.
    public enum Phase: String, Sendable {
        /// Recorded, its thread not yet begun.
        case queued
        /// Finishing the app's queued group work first.
        case groupWork = "group-work"
        /// Re-deriving the users, batch by batch.
        case users
        /// Re-deriving the groups and memberships (one transaction).
        case groups
        case finished
    }

    /// How a run ended.
    public enum Outcome: String, Sendable {
        case succeeded
        case failed
        /// It stopped being updated (its process died); a later run marked it so.
        case interrupted
    }

    /// How long an unfinished run may go without an update before it counts as interrupted: a
    /// batch commits within seconds, so a live run is never this quiet.
    public static let staleAfter: TimeInterval = 60

    public let id: Int64
    public let appID: Int64
    public let actor: String
    /// Unix seconds.
    public let startedAt: Double
    /// Unix seconds of the last recorded progress.
    public let updatedAt: Double
    public let usersTotal: Int
    public let usersDone: Int
    public let phase: Phase
    public let finishedAt: Double?
    public let outcome: Outcome?
    public let changesCount: Int
    /// The summaries of the first ``DirectoryStore/syncRunChangesKept`` changes (the audit keeps all).
    public let changesShown: [String]
    public let error: String?

    /// Whether the run stopped without finishing: marked so, or unfinished and quiet for ``staleAfter``.
    public func isInterrupted(at now: Date = Date()) -> Bool {
        outcome == .interrupted || (finishedAt == nil && now.timeIntervalSince1970 - updatedAt > Self.staleAfter)
    }

    /// Whether the run is still going (neither finished nor interrupted).
    public func isRunning(at now: Date = Date()) -> Bool { finishedAt == nil && !isInterrupted(at: now) }
}
