import FuzzSupport
import SCIM
import ScimService

/// A query string, decoded as the service decodes one, read as a list query of users and of
/// groups and run against the seeded store: a `ScimError` is a clean refusal, anything else a
/// finding.
@main
enum FuzzQuery {
    static func main() {
        FuzzDriver.run { data, count in testOneInput(FuzzInput(data, count)) }
    }
}

private func testOneInput(_ input: FuzzInput) -> CInt {
    guard let text = input.text else { return 0 }
    let parameters = QueryString.parse(text)
    for type in ResourceType.all {
        guard let query = try? ListQuery.parse(parameters, resourceType: type) else { continue }
        SeededStore.shared.list(query, of: type, input)
    }
    return 0
}
