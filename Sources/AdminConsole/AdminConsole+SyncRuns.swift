import DirectoryStore
import Foundation
import ScimService

extension AdminConsole {
    /// How often a running synchronization's page reloads itself (a `<meta>` refresh: no script).
    static let syncRefreshSeconds = 2

    /// Starts a synchronization of `app` on a thread of this responder and sends the browser to
    /// its progress page; while the app has one running (in any process), to that one instead.
    func startSynchronization(_ visit: Visit, _ app: App) throws -> ServiceResponse {
        let path = "/admin/apps/\(URLText.component(app.name))/sync"
        switch try store.startSyncRun(app: app.name, by: visit.actor) {
        case .started(let run):
            SyncRunThread.start(run, databasePath: store.path, by: visit.actor)
            return ConsoleResponse.redirect("\(path)/\(run.id)")
        case .alreadyRunning(let run):
            return ConsoleResponse.redirect("\(path)/\(run.id)?notice=already-running")
        }
    }

    /// A run's progress, from its row (so any responder process can answer): phase, users done,
    /// elapsed time; refreshing itself until the run ends, then its changes.
    func syncRunPage(_ visit: Visit, _ name: String, run id: String) throws -> ServiceResponse {
        let app = try existingApp(name)
        guard let runID = Int64(id), let run = try store.syncRun(id: runID, app: app.name) else {
            throw ConsoleError.notFound("There is no such synchronization of \(app.name).")
        }
        let now = Date()
        let running = run.isRunning(at: now)
        let appPath = "/admin/apps/\(URLText.component(app.name))"
        let elapsed = Self.duration((run.finishedAt ?? now.timeIntervalSince1970) - run.startedAt)
        let content: HTML = """
            <h1>\(Self.syncHeading(run, app: app, at: now))</h1>
            <section><table><tbody>
            <tr><th scope="row">Phase</th><td id="sync-phase">\(Self.phaseText(run, at: now))</td></tr>
            <tr><th scope="row">Users</th><td><progress id="sync-users" value="\(run.usersDone)" max="\(max(run.usersTotal, 1))">\
            \(run.usersDone) of \(run.usersTotal)</progress> <span id="sync-users-text">\(run.usersDone) of \(run.usersTotal)</span></td></tr>
            <tr><th scope="row">Elapsed</th><td id="sync-elapsed">\(elapsed)</td></tr>
            <tr><th scope="row">Started by</th><td>\(run.actor)</td></tr>
            </tbody></table></section>
            \(syncRunOutcome(visit, run, appPath: appPath, at: now))
            <p><a href="\(appPath)">Back to the app</a> · <a href="/admin/audit\(URLText.query([("app", app.name)]))">Audit log</a> · \
            <a href="/admin/directory\(URLText.query([("directory", app.directoryName)]))">Directory</a></p>
            """
        let refresh: HTML = running ? "\n<meta http-equiv=\"refresh\" content=\"\(Self.syncRefreshSeconds)\">" : ""
        let notice: HTML? =
            visit.form["notice"] == "already-running" && running
            ? "A synchronization of this app is already running (one at a time): this is its progress." : nil
        return ConsoleResponse.page(200, Page.render("Synchronization", visit, notice: notice, head: refresh, content))
    }

    /// What the run came to: still going, its changes, its error, or that it was interrupted.
    private func syncRunOutcome(_ visit: Visit, _ run: SyncRun, appPath: String, at now: Date) -> HTML {
        let again: HTML = visit.canChange ? Page.button(visit, "\(appPath)/synchronize", "Synchronize again", busy: "Starting…") : ""
        if run.isInterrupted(at: now) {
            return """
                <p class="error-box" role="alert">This synchronization stopped without finishing (its responder process \
                ended). What it committed stays; synchronizing again finishes the work.</p>
                <div class="actions">\(again)</div>
                """
        }
        switch run.outcome {
        case .succeeded: return "<section>\(changesList(run.changesShown, count: run.changesCount))</section>"
        case .failed:
            return """
                <p class="error-box" role="alert">The synchronization failed: \(run.error ?? "unknown error").</p>
                <div class="actions">\(again)</div>
                """
        case .interrupted, nil:
            return "<p role=\"status\">Running: this page refreshes itself every \(Self.syncRefreshSeconds) seconds.</p>"
        }
    }

    private static func syncHeading(_ run: SyncRun, app: App, at now: Date) -> String {
        if run.isInterrupted(at: now) { return "Synchronization of \(app.name) interrupted" }
        switch run.outcome {
        case .succeeded: return "Synchronized \(app.name)"
        case .failed: return "Synchronization of \(app.name) failed"
        case .interrupted, nil: return "Synchronizing \(app.name)…"
        }
    }

    private static func phaseText(_ run: SyncRun, at now: Date) -> String {
        if run.isInterrupted(at: now) { return "interrupted" }
        switch run.phase {
        case .queued: return "starting"
        case .groupWork: return "finishing queued group work"
        case .users: return "users"
        case .groups: return "groups and memberships"
        case .finished: return "finished"
        }
    }

    /// `42 s`, `3 min 5 s`.
    static func duration(_ seconds: Double) -> String {
        let whole = max(Int(seconds.rounded()), 0)
        return whole < 60 ? "\(whole) s" : "\(whole / 60) min \(whole % 60) s"
    }
}
