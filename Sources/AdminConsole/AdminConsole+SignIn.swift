import DirectoryStore
import Foundation
import ScimService

extension AdminConsole {
    /// The sign-in form, with a CSRF token of its own in a cookie and in the form.
    func signInForm(_ request: ServiceRequest, problem: String? = nil, name: String = "", status: Int = 200) -> ServiceResponse {
        let token = Cookies.value(Cookies.signIn, in: request.headers.cookie).flatMap { $0.count == 43 ? $0 : nil } ?? DirectoryStore.randomSecret()
        let query = (try? FormData(parsing: request.query)) ?? FormData()
        let notice: HTML =
            if let problem { "<p class=\"error-box\" role=\"alert\">\(problem)</p>" } else if query["expired"] != nil {
                "<p class=\"notice\" role=\"status\">Your session expired. Sign in again.</p>"
            } else if query["signed-out"] != nil { "<p class=\"notice\" role=\"status\">You are signed out.</p>" } else { "" }
        let body: HTML = """
            <main class="narrow"><h1>Sign in to ScimSync</h1>\(notice)
            <form method="post" action="/admin/sign-in" class="card">
            <input type="hidden" name="csrf" value="\(token)">
            <label for="name">Admin name</label><input type="text" id="name" name="name" value="\(name)" autocomplete="username" required autofocus>
            <label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password" required>
            <div class="actions"><button type="submit">Sign in</button></div>
            </form>
            <p class="hint">Accounts are made on the directory host with <code>scimsync admin create NAME</code>.</p></main>
            """
        return ConsoleResponse.page(
            status,
            Page.document("Sign in", body),
            headers: [Cookies.set(Cookies.signIn, token, secure: request.headers.scheme == "https")]
        )
    }

    func signIn(_ request: ServiceRequest) throws -> ServiceResponse {
        let form = try form(ofSignIn: request)
        guard let cookie = Cookies.value(Cookies.signIn, in: request.headers.cookie), let token = form["csrf"],
            TokenSecret.constantTimeEquals(cookie, token)
        else {
            throw ConsoleError.forbidden("This form was sent without its security token (CSRF). Open the sign-in page and try again.")
        }
        let name = form["name"] ?? ""
        let address = Self.address(request)
        let limits = settings.signInLimits
        if let wait = try store.signInWait(name: name, address: address, limits: limits) {
            let minutes = Int((wait / 60).rounded(.up))
            return signInForm(
                request,
                problem:
                    "Too many failed sign-ins. Try again in \(minutes) minute\(minutes == 1 ? "" : "s") (limit: \(limits.failuresPerAccount) per account, \(limits.failuresPerAddress) per address in \(Int(limits.window / 60)) minutes).",
                name: name,
                status: 429
            )
        }
        guard let checked = try signInGate.attempt({ try store.checkAdminPassword(name: name, password: form["password"] ?? "") }) else {
            var busy = signInForm(request, problem: "Many sign-ins are being checked at once. Try again in a moment.", name: name, status: 503)
            busy.headers.append(("Retry-After", "1"))
            return busy
        }
        guard let admin = checked else {
            try store.recordSignInFailure(name: name, address: address, limits: limits)
            return signInForm(request, problem: "The name or the password is wrong.", name: name, status: 401)
        }
        try store.recordSignIn(admin, address: address)
        let opened = try store.openAdminSession(for: admin, lifetime: settings.sessionLifetime)
        let secure = request.headers.scheme == "https"
        return ConsoleResponse.redirect(
            "/admin/",
            headers: [Cookies.set(Cookies.session, opened.secret, secure: secure), Cookies.clear(Cookies.signIn, secure: secure)]
        )
    }

    func signOut(_ visit: Visit, secret: String) throws -> ServiceResponse {
        try store.closeAdminSession(secret: secret)
        return ConsoleResponse.redirect("/admin/sign-in?signed-out=1", headers: [Cookies.clear(Cookies.session, secure: visit.secure)])
    }

    private func form(ofSignIn request: ServiceRequest) throws -> FormData {
        guard case .bytes(let bytes) = request.body, let text = String(validating: bytes, as: UTF8.self) else {
            throw ConsoleError.badRequest("The sign-in form is not readable.")
        }
        return try FormData(parsing: text)
    }
}
