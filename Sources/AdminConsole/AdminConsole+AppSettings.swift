import AppTraffic
import DirectoryStore
import SCIM
import ScimService

extension AdminConsole {
    /// The app's connection settings as a form: its directory, its public URL and its rate limit
    /// (`app set-directory`, `app set-base-url`, `app set-rate-limit`), each problem beside its field.
    func settingsForm(_ visit: Visit, _ app: App, problems: [String: String] = [:]) throws -> HTML {
        guard visit.canChange else { return "" }
        let limit = try store.configuredRateLimit(appID: app.id)
        let form = problems.isEmpty ? nil : visit.form
        return """
            <h2>Connection settings</h2>
            <form method="post" action="/admin/apps/\(URLText.component(app.name))/settings" class="card">\(Page.csrf(visit))
            <label for="directory">Directory</label>
            <p class="hint" id="directory-hint">Synchronize afterwards to move what the app provisioned.</p>
            <input type="text" id="directory" name="directory" value="\(form?["directory"] ?? app.directoryName)" aria-describedby="directory-hint">
            <label class="check"><input type="checkbox" name="create-directory"> Create the directory if it does not exist</label>
            \(Page.fieldError(problems["directory"], id: "directory"))
            <label for="public-url">Public URL of the web server</label>
            <p class="hint" id="public-url-hint">Empty: responses build their URLs from the request's Host.</p>
            <input type="text" id="public-url" name="public-url" value="\(form?["public-url"] ?? app.baseURL)" aria-describedby="public-url-hint">
            \(Page.fieldError(problems["public-url"], id: "public-url"))
            <label for="per-second">Rate limit: requests per second</label>
            <p class="hint" id="per-second-hint">Empty: the responder's default (\(RateLimit.standard.perSecond) per second unless it was started with another).</p>
            <input type="text" id="per-second" name="per-second" inputmode="numeric" value="\(form?["per-second"] ?? limit.map { String($0.perSecond) })" aria-describedby="per-second-hint">
            <label for="burst">Burst</label>
            <p class="hint" id="burst-hint">Requests at once after a quiet time; empty: twice the rate.</p>
            <input type="text" id="burst" name="burst" inputmode="numeric" value="\(form?["burst"] ?? limit.map { String($0.burst) })" aria-describedby="burst-hint">
            \(Page.fieldError(problems["rate-limit"], id: "rate-limit"))
            <div class="actions"><button type="submit">Save settings</button></div>
            </form>
            """
    }

    /// Applies what changed, setting by setting; a refused one is named beside its field.
    func saveSettings(_ visit: Visit, _ app: App) throws -> ServiceResponse {
        let form = visit.form
        var problems: [String: String?] = [:]
        let directory = form.trimmed("directory") ?? app.directoryName
        if directory.nameKey != app.directoryName.nameKey {
            problems["directory"] = try refusal {
                try store.setDirectory(app: app.name, directory: directory, createDirectory: form.isChecked("create-directory"), by: visit.actor)
            }
        }
        let baseURL = form.trimmed("public-url")
        if baseURL != app.baseURL {
            problems["public-url"] = try refusal { try store.setAppBaseURL(app.name, baseURL: baseURL, by: visit.actor) }
        }
        switch Self.rateLimit(perSecond: form.trimmed("per-second"), burst: form.trimmed("burst")) {
        case .failure(let problem): problems["rate-limit"] = problem.message
        case .success(let limit):
            if try limit != store.configuredRateLimit(appID: app.id) {
                problems["rate-limit"] = try refusal { try store.setRateLimit(appName: app.name, limit, by: visit.actor) }
            }
        }
        let refused = problems.compactMapValues { $0 }
        guard refused.isEmpty else { return try appPage(visit, app.name, problems: refused, status: 400) }
        return ConsoleResponse.redirect("/admin/apps/\(URLText.component(app.name))?notice=settings")
    }

    /// The limit the two fields name (nil: the default), or why they name none.
    static func rateLimit(perSecond: String?, burst: String?) -> Result<RateLimit?, ConsoleError> {
        guard let perSecond else {
            return burst == nil ? .success(nil) : .failure(.badRequest("A burst needs a rate: fill in requests per second too."))
        }
        // Twice the rate without overflowing: `2 * rate` would trap (and stop the responder) on a huge number.
        guard let rate = Int(perSecond),
            let size = burst.map(Int.init) ?? min(RateLimit.burstRange.upperBound, min(max(rate, -(1 << 32)), 1 << 32) * 2)
        else {
            return .failure(.badRequest("The rate and the burst are whole numbers."))
        }
        let limit = RateLimit(perSecond: rate, burst: size)
        if let problem = limit.problem { return .failure(.badRequest("\(problem).")) }
        return .success(limit)
    }

    /// The store's refusal of `change`, in its words, or nil when it was made.
    private func refusal(_ change: () throws -> Void) throws -> String? {
        do {
            try change()
            return nil
        } catch let error as StoreError {
            return "\(error)"
        }
    }
}
