import ScimService
import Testing

@Suite struct EndpointLabelTests {
    @Test(arguments: [
        ("/scim/okta/v2/Users", "Users"),
        ("/scim/okta/v2/Users/2819c223-7f76-453a-919d-413861904646", "Users/{id}"),
        ("/scim/okta/v2/Users/.search", "Users/.search"),
        ("/scim/okta/v2/Groups/abc", "Groups/{id}"),
        ("/scim/okta/v2/.search", ".search"),
        ("/scim/okta/v2/Bulk", "Bulk"),
        ("/scim/okta/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User", "Schemas"),
        ("/scim/okta/v2", "base"),
        ("/scim/okta/v2/Users/a/b", "other"),
        ("/scim/okta/v2/anything-a-client-invents", "other"),
        ("/health", "health"),
        ("/metrics", "metrics"),
        ("/crowd/rest/usermanagement/1/user", "crowd"),
        ("/etc/passwd", "other"),
    ])
    func pathsMapToAFixedSetOfNames(path: String, label: String) {
        #expect(EndpointLabel.of(path: path) == label)
    }
}
