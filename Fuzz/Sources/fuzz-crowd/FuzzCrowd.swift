import CrowdService
import DirectoryStore
import FuzzSupport

/// The input read as a Crowd search restriction in each of its three forms (an XML body, a JSON
/// body, the Crowd Query Language), and what reads run as a search of the seeded store's users
/// and groups: a `CrowdError` or `StoreError` is a clean refusal, anything else (an SQL error
/// included) a finding.
@main
enum FuzzCrowd {
    static func main() {
        FuzzDriver.run { data, count in testOneInput(FuzzInput(data, count)) }
    }
}

private func testOneInput(_ input: FuzzInput) -> CInt {
    let bytes = Array(input.bytes)
    var restrictions: [CrowdRestriction] = []
    for type in ["application/xml", "application/json"] {
        if let restriction = try? CrowdSearchRestriction.read(body: bytes, contentType: type) { restrictions.append(restriction) }
    }
    if let text = input.text, let restriction = try? CrowdSearchRestriction.read(query: text) { restrictions.append(restriction) }
    let store = SeededStore.shared.store
    for restriction in restrictions {
        guard restriction.termCount <= CrowdRestriction.maxTerms else { input.fail("a restriction past the term limit was read") }
        for search in [0, 1] {
            do {
                let page = CrowdPage(start: 0, count: 10)
                if search == 0 {
                    _ = try store.crowdSearchUsers(restriction, in: [SeededStore.shared.app.directoryID], page: page)
                } else {
                    _ = try store.crowdSearchGroups(restriction, in: [SeededStore.shared.app.directoryID], page: page)
                }
            } catch is StoreError {
                continue
            } catch {
                input.fail("the search of \(restriction) failed: \(error)")
            }
        }
    }
    return 0
}
