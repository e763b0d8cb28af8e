import AppTraffic
import DirectoryStore
import SCIM
import ScimService
import Testing

@Suite struct ObservabilityTests {
    @Test func pastItsBurstAnAppGets429WithRetryAfterNamingTheLimit() throws {
        let harness = try ServiceHarness(observed: true)
        try harness.store.setRateLimit(appName: "okta", RateLimit(perSecond: 1, burst: 3), by: .test)
        let statuses = (0..<4).map { _ in harness.send("GET", "/Users").status }
        #expect(statuses == [200, 200, 200, 429])
        let refused = harness.send("GET", "/Users")
        #expect(refused.status == 429)
        #expect(refused.header("Retry-After") == "1")
        #expect(refused.header("Content-Type") == ServiceResponse.scimContentType)
        let body = try #require(try refused.json().objectValue)
        #expect(body["status"] == .string("429"))
        #expect(body["scimType"] == nil)
        #expect(body["detail"]?.stringValue?.contains("(limit rateLimitPerSecond = 1)") == true)
        // The other app has its own bucket.
        let entra = harness.send("GET", "!/scim/entra/v2/Users", authorization: "Bearer \(harness.otherToken)")
        #expect(entra.status == 200)
    }

    @Test func aChangedRateLimitAppliesOnTheNextRequestThoughTheTokenIsCached() throws {
        let harness = try ServiceHarness(observed: true)
        #expect(harness.send("GET", "/Users").status == 200)
        try harness.store.setRateLimit(appName: "okta", RateLimit(perSecond: 1, burst: 1), by: .test)
        // The default (50 a second, bursts of 100) would let all three through.
        #expect((0..<3).map { _ in harness.send("GET", "/Users").status }.contains(429))
        try harness.store.setRateLimit(appName: "okta", RateLimit(perSecond: 1, burst: 1000), by: .test)
        #expect(harness.send("GET", "/Users").status == 200)
    }

    @Test func eachAnswerIsCountedForItsApp() throws {
        let harness = try ServiceHarness(observed: true)
        _ = harness.send("GET", "/Users")
        _ = harness.send("GET", "/Users/nope")
        _ = harness.send("GET", "/Users", useToken: false)
        _ = harness.send("GET", "!/scim/no-such-app/v2/Users")
        let apps = try harness.store.apps()
        let okta = try #require(apps.first { $0.name == "okta" })
        let counts = try #require(harness.traffic?.counts())
        // A refused token counts for the app its URL names; a URL naming no app is nobody's.
        #expect(counts[okta.id]?.counts.requests == 3)
        #expect(counts[okta.id]?.counts.errors == 2)
        #expect(counts.count == 1)
        let oktaCounts = try #require(counts[okta.id]?.counts)
        #expect(oktaCounts.rateLimited == 0)
        #expect(oktaCounts.lastContactMilliseconds != nil)
    }

    @Test func healthNeedsNoTokenAndSaysOnlyReadableWritableSchema() throws {
        let harness = try ServiceHarness(observed: true)
        let response = harness.send("GET", "!/health", useToken: false)
        #expect(response.status == 200)
        #expect(response.text == #"{"status":"ok","readable":true,"writable":true,"schemaCurrent":true}"#)
        #expect(harness.send("POST", "!/health", useToken: false).status == 405)
    }

    @Test func metricsRenderTheAppSeries() throws {
        let harness = try ServiceHarness(observed: true)
        _ = harness.send("GET", "/Users")
        let text = harness.send("GET", "!/metrics", useToken: false).text
        #expect(text.contains(#"scimsync_app_requests_total{app="okta"} 1"#))
        #expect(text.contains(#"endpoint="Users""#))
        #expect(text.contains("scimsync_directory_users{directory=\"Corp\"} 0"))
        // Without metrics (as in a test harness or an embedding), there is no /metrics.
        let plain = try ServiceHarness()
        #expect(plain.send("GET", "!/metrics", useToken: false).status == 404)
    }

    @Test func aDeletedAppLeavesTheInstallationWideSeries() throws {
        let harness = try ServiceHarness(observed: true)
        _ = harness.send("GET", "!/scim/entra/v2/Users", authorization: "Bearer \(harness.otherToken)")
        #expect(harness.send("GET", "!/metrics", useToken: false).text.contains(#"scimsync_app_requests_total{app="entra"} 1"#))
        try harness.store.deleteApp("entra", by: .test)
        let text = harness.send("GET", "!/metrics", useToken: false).text
        #expect(!text.contains(#"scimsync_app_requests_total{app="entra"}"#))
        #expect(!text.contains(#"scimsync_app_users{app="entra"}"#))
        #expect(text.contains(#"scimsync_app_users{app="okta"} 0"#))
    }
}
