import FuzzSupport
import SCIM
import SyncRules

/// A PATCH body applied to a fixed user and a fixed group, as the endpoints apply one (member
/// changes split off for the group), in the dialect of every provider profile: every outcome must
/// be a result or a `ScimError`.
@main
enum FuzzPatch {
    static func main() {
        FuzzDriver.run { data, count in testOneInput(FuzzInput(data, count)) }
    }
}

/// The distinct dialects the profiles read requests in (RFC, Entra ID's, OneLogin's).
private let dialects: [(ValueConversions, PatchDialect)] = ProviderProfile.allCases.reduce(into: []) { found, profile in
    let dialect = (profile.valueConversions, profile.patchDialect)
    if !found.contains(where: { $0 == dialect }) { found.append(dialect) }
}

private func testOneInput(_ input: FuzzInput) -> CInt {
    guard let body = try? JSONParser.parse(Array(input.bytes)) else { return 0 }
    for (conversions, dialect) in dialects {
        guard let request = try? PatchRequest.parse(body, dialect: dialect) else { continue }
        let users = PatchEngine(resourceType: .user, conversions: conversions, dialect: dialect)
        _ = try? ResourceDocument.finish(try users.apply(request, to: Fixed.user), as: .user, id: Fixed.userID, conversions: conversions)
        guard let rest = try? MemberPatch.split(request, conversions: conversions).rest, !rest.operations.isEmpty else { continue }
        let groups = PatchEngine(resourceType: .group, conversions: conversions, dialect: dialect)
        _ = try? ResourceDocument.finish(try groups.apply(rest, to: Fixed.group), as: .group, id: Fixed.groupID, conversions: conversions)
    }
    return 0
}

/// The resources every input is applied to, as the store holds them.
private enum Fixed {
    static let userID = "2819c223-7f76-453a-919d-413861904646"
    static let groupID = "e9e30dba-f08f-4109-8486-d5c6a331660a"

    static let user = resource(
        #"""
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
         "id":"\#(userID)","userName":"alice@example.com","externalId":"00u1abc","active":true,
         "name":{"givenName":"Alice","familyName":"Liddell"},"displayName":"Alice",
         "emails":[{"value":"alice@example.com","type":"work","primary":true},{"value":"alice@home.example","type":"home"}],
         "phoneNumbers":[{"value":"+1 555 0100","type":"work"}],
         "addresses":[{"type":"work","streetAddress":"1 Main St","locality":"Springfield","country":"US"}],
         "roles":[{"value":"admin"}],
         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"R&D","manager":{"value":"boss-id"}}}
        """#,
        as: .user,
        id: userID
    )

    static let group = resource(
        #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"\#(groupID)","displayName":"Engineering","externalId":"g-1"}"#,
        as: .group,
        id: groupID
    )

    private static func resource(_ text: String, as type: ResourceType, id: String) -> JSONObject {
        try! ResourceDocument.prepare(try! JSONParser.parse(text), as: type, id: id)
    }
}
