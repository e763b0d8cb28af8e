import ScimService
import Testing

@Suite struct ServiceMountTests {
    private let console = ServiceMount(prefix: "/admin/") { _ in .json(200, .null) }

    @Test(arguments: [("/admin/", true), ("/admin", true), ("/admin/apps/x", true), ("/administrator", false), ("/scim/admin/v2", false)])
    func aMountServesItsPrefixAndThePrefixWithoutItsSlash(path: String, served: Bool) {
        #expect(console.serves(path) == served)
    }
}
