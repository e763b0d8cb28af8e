import DirectoryStore
import Foundation
import ScimService
import Testing

@testable import AdminConsole

/// Synchronize in-process: the POST answers at once with the run's page, which the run's thread
/// brings to its end.
extension ConsoleSessionTests {
    @Test func synchronizeAnswersWithTheRunsPageWhichEndsWithItsChanges() async throws {
        let (cookie, csrf) = try signIn()
        let started = send("POST", "/admin/apps/okta/synchronize", form: "csrf=\(csrf)", cookie: cookie)
        #expect(started.status == 303)
        let location = try #require(header(started, "Location").first)
        #expect(location.firstMatch(of: /^\/admin\/apps\/okta\/sync\/\d+$/) != nil)
        var page = ""
        for _ in 0..<200 where !page.contains("<h1>Synchronized okta</h1>") {
            page = String(decoding: send("GET", location, cookie: cookie).body, as: UTF8.self)
            if !page.contains("<h1>Synchronized okta</h1>") {
                #expect(page.contains("<meta http-equiv=\"refresh\" content=\"2\">"))
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        #expect(page.contains("<h1>Synchronized okta</h1>") && page.contains("<progress id=\"sync-users\""))
        #expect(page.contains("No changes: the directory already matches the rules.") && !page.contains("http-equiv"))
        #expect(send("GET", "/admin/apps/okta/sync/999999", cookie: cookie).status == 404)
        #expect(send("GET", "/admin/apps/okta/sync/first", cookie: cookie).status == 404)
    }

    @Test func durationsReadAsSecondsThenMinutes() {
        #expect(AdminConsole.duration(0.4) == "0 s")
        #expect(AdminConsole.duration(59) == "59 s")
        #expect(AdminConsole.duration(185) == "3 min 5 s")
    }
}
