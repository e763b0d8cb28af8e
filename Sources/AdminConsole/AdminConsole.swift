import AppTraffic
import DirectoryStore
import Foundation
import ScimService

/// The admin web console, under `/admin/`: server-rendered pages over the same store
/// operations the admin tool runs, each change audited with the signed-in admin's name.
///
/// It reads only its session cookie, never an `Authorization` header, so a SCIM bearer token
/// opens nothing here, as the SCIM endpoints read no cookie.
public final class AdminConsole: Sendable {
    /// Where the console is served (and `/admin` itself).
    public static let prefix = "/admin/"

    let store: DirectoryStore
    let traffic: TrafficFile?
    let settings: ConsoleSettings
    /// Shared by the consoles of one responder's worker threads.
    let signInGate: SignInGate

    public init(
        store: DirectoryStore,
        traffic: TrafficFile? = nil,
        settings: ConsoleSettings = ConsoleSettings(),
        signInGate: SignInGate = SignInGate()
    ) {
        self.store = store
        self.traffic = traffic
        self.settings = settings
        self.signInGate = signInGate
    }

    public func answer(_ request: ServiceRequest) -> ServiceResponse {
        do {
            return try route(request)
        } catch let error as ConsoleError {
            return ConsoleResponse.page(error.status, Page.message(title: "Not possible", error.message))
        } catch let error as StoreError {
            return ConsoleResponse.page(400, Page.message(title: "Not possible", "\(error)"))
        } catch  where DirectoryStore.isBusy(error) {
            return ConsoleResponse.page(
                503,
                Page.message(title: "Busy", "The database is busy. Try again in a moment."),
                headers: [("Retry-After", "5")]
            )
        } catch {
            ServiceLog.error("admin console \(request.headers.requestID ?? "-") \(request.method): \(error)")
            return ConsoleResponse.page(
                500,
                Page.message(title: "Something went wrong", "The console could not do this; the responder's log names the request.")
            )
        }
    }

    private func route(_ request: ServiceRequest) throws -> ServiceResponse {
        let segments = request.path.split(separator: "/").map(String.init)
        guard segments.first == "admin" else { throw ConsoleError.notFound("No such page.") }
        let rest = Array(segments.dropFirst())
        // Only GET reads and POST changes: any other method would pass the CSRF check by.
        guard request.method == "GET" || request.method == "POST" else { throw ConsoleError.methodNotAllowed() }
        switch (request.method, rest) {
        case ("GET", ["style.css"]): return ConsoleResponse.asset("text/css; charset=utf-8", Assets.stylesheet)
        case ("GET", ["console.js"]): return ConsoleResponse.asset("text/javascript; charset=utf-8", Assets.script)
        case ("GET", ["sign-in"]): return signInForm(request)
        case ("POST", ["sign-in"]): return try signIn(request)
        default: break
        }
        guard let secret = Cookies.value(Cookies.session, in: request.headers.cookie),
            let session = try store.adminSession(secret: secret, lifetime: settings.sessionLifetime)
        else {
            let hadSession = Cookies.value(Cookies.session, in: request.headers.cookie) != nil
            return ConsoleResponse.redirect(
                "/admin/sign-in" + (hadSession ? "?expired=1" : ""),
                headers: hadSession ? [Cookies.clear(Cookies.session, secure: request.headers.scheme == "https")] : []
            )
        }
        let visit = Visit(request: request, session: session, form: try form(of: request))
        if request.method == "POST" {
            try checkCSRF(visit)
            if rest != ["sign-out"], !visit.canChange {
                throw ConsoleError.forbidden("Your account is read-only: it can look at every screen but change nothing.")
            }
        }
        return try screen(rest, visit, secret: secret)
    }

    private func screen(_ rest: [String], _ visit: Visit, secret: String) throws -> ServiceResponse {
        let get = visit.request.method == "GET"
        switch rest.count {
        case 0 where get: return try overview(visit)
        case 1 where rest[0] == "sign-out" && !get: return try signOut(visit, secret: secret)
        case 1 where rest[0] == "directory" && get: return try directoryUsers(visit)
        case 1 where rest[0] == "audit" && get: return try audit(visit)
        case 1 where rest[0] == "apps" && !get: return try createApp(visit)
        case 1 where rest[0] == "configuration" && get: return try configurationPage(visit)
        case 2 where rest == ["configuration", "export"] && get: return try exportConfiguration(visit)
        case 2 where rest == ["configuration", "backup"] && get: return try backupDownload(visit)
        case 2 where rest == ["configuration", "import"] && !get: return try importPreview(visit)
        case 2 where rest == ["configuration", "apply"] && !get: return try importApply(visit)
        case 2 where rest == ["apps", "new"] && get: return try newAppForm(visit)
        case 2 where rest == ["directory", "groups"] && get: return try directoryGroups(visit)
        case 2 where rest[0] == "apps" && get: return try appPage(visit, rest[1])
        case 3 where rest[0] == "apps" && !get: return try appAction(visit, rest[1], rest[2])
        case 3 where rest[0] == "apps" && rest[2] == "group-sync" && get: return try groupSyncForm(visit, rest[1])
        case 3 where rest[0] == "apps" && rest[2] == "user-sync" && get: return try userSyncForm(visit, rest[1])
        case 4 where rest[0] == "apps" && rest[2] == "sync" && get: return try syncRunPage(visit, rest[1], run: rest[3])
        default:
            throw ConsoleError.notFound("No such page.")
        }
    }

    /// A POST's form (it must be url-encoded), or the query string's fields.
    private func form(of request: ServiceRequest) throws -> FormData {
        guard request.method == "POST" else { return try FormData(parsing: request.query) }
        guard case .bytes(let bytes) = request.body else {
            throw ConsoleError(status: 413, message: "The form is larger than the responder takes.")
        }
        let contentType = request.headers.contentType ?? ""
        let type = contentType.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        if type == "multipart/form-data", let boundary = MultipartForm.boundary(of: contentType) {
            return try MultipartForm.parse(bytes, boundary: boundary)
        }
        guard bytes.isEmpty || type == "application/x-www-form-urlencoded" else {
            throw ConsoleError(status: 415, message: "The console takes forms as application/x-www-form-urlencoded or multipart/form-data.")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw ConsoleError.badRequest("The form is not UTF-8.") }
        return try FormData(parsing: text)
    }

    /// Every POST carries the session's CSRF token; a request from another site cannot know it.
    private func checkCSRF(_ visit: Visit) throws {
        guard let token = visit.form["csrf"], TokenSecret.constantTimeEquals(token, visit.session.csrfToken) else {
            throw ConsoleError.forbidden("This form was sent without its security token (CSRF). Reload the page and send it again.")
        }
    }

    /// The client's address as the web server saw it, for sign-in throttling and the audit.
    static func address(_ request: ServiceRequest) -> String {
        request.headers.remoteAddress.flatMap { $0.isEmpty ? nil : $0 } ?? "unknown"
    }
}
