import DirectoryStore
import FuzzSupport
import SCIM

/// A filter that parses must run as a list query of users and of groups, alone and sorted by each
/// attribute it names, against the seeded store: a `ScimError` is a clean refusal, anything else
/// (a `DatabaseError` is SQL text gone wrong) is a finding.
@main
enum FuzzFilter {
    static func main() {
        FuzzDriver.run { data, count in testOneInput(FuzzInput(data, count)) }
    }
}

private func testOneInput(_ input: FuzzInput) -> CInt {
    guard let text = input.text, let filter = try? FilterParser.parse(text) else { return 0 }
    let store = SeededStore.shared
    let sortPaths = distinct(filter.sortPaths).prefix(4)
    for type in ResourceType.all {
        store.list(ListQuery(filter: filter), of: type, input)
        for path in sortPaths {
            store.list(ListQuery(filter: filter, count: 2, sortBy: path, descending: true), of: type, input)
        }
    }
    return 0
}

private func distinct(_ paths: [AttributePath]) -> [AttributePath] {
    var seen: Set<String> = []
    return paths.filter { seen.insert($0.description.lowercased()).inserted }
}
