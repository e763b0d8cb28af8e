import Testing

@testable import ScimService

@Suite struct PathSegmentsTests {
    @Test(arguments: [
        ("/scim/demo/v2/Users/abc", ["scim", "demo", "v2", "Users", "abc"]),
        ("//scim///demo/", ["scim", "demo"]),
        ("/", []),
        ("", []),
        ("no-slash", ["no-slash"]),
        ("/scim/d%C3%A9mo/v2/Users/é€😀/x", ["scim", "d%C3%A9mo", "v2", "Users", "é€😀", "x"]),
    ])
    func splitsOnSlashesAndDropsEmptySegments(path: String, segments: [String]) {
        #expect(path.pathSegments.map(String.init) == segments)
    }
}
