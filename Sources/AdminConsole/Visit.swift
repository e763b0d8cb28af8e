import DirectoryStore
import ScimService

/// One signed-in request: who made it, with what form, over which scheme.
struct Visit {
    let request: ServiceRequest
    let session: AdminSession
    /// The posted form, or the query string's fields for a GET.
    let form: FormData

    var admin: AdminAccount { session.admin }
    /// The audit's name for this admin: `alice (console)`.
    var actor: AdminActor { .console(admin.name) }
    var secure: Bool { request.headers.scheme == "https" }
    var canChange: Bool { admin.role == .admin }
}
