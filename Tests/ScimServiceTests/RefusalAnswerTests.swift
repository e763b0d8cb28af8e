import DirectoryStore
import SCIM
import SyncRules
import Testing

@testable import ScimService

/// What the store and the rules refuse, in their own terms, becomes the SCIM answer RFC 7644 §3.12 names.
@Suite struct RefusalAnswerTests {
    @Test(
        arguments: [
            (IdPViewError.notFound(.user, id: "u1"), 404, nil, "User u1 not found."),
            (.notFound(.group, id: "g1"), 404, nil, "Group g1 not found."),
            (.versionMismatch(current: #"W/"3""#), 412, nil, #"The resource has changed: its version is W/"3"."#),
            (.nameTaken(.user, name: "ada"), 409, .uniqueness, "A user with userName 'ada' already exists."),
            (.nameTaken(.group, name: "Eng"), 409, .uniqueness, "A group with displayName 'Eng' already exists."),
            (.invalidMember("Member 'x' is neither a user nor a group of this app."), 400, .invalidValue, nil),
            (.unsupportedFilter("Only eq and ne compare with null."), 400, .invalidFilter, nil),
            (.invalidCursor("The cursor does not fit this sort order."), 400, .invalidCursor, nil),
        ] as [(IdPViewError, Int, ScimErrorType?, String?)]
    )
    func idpViewRefusals(refusal: IdPViewError, status: Int, scimType: ScimErrorType?, detail: String?) throws {
        let answer = try #require(ScimError(answering: refusal))
        #expect(answer.status == status)
        #expect(answer.scimType == scimType)
        #expect(answer.detail == detail ?? refusal.description)
    }

    @Test func ruleRefusalsKeepTheirKind() throws {
        let conflict = RuleRefusal(.conflict, "taken")
        #expect(try #require(ScimError(answering: conflict)).status == 409)
        let unusable = RuleRefusal(.unusableValue, "empty")
        #expect(try #require(ScimError(answering: unusable)).scimType == .invalidValue)
    }

    @Test func anythingElseIsNoAnswerOfItsOwn() {
        struct Unexpected: Error {}
        #expect(ScimError(answering: Unexpected()) == nil)
    }
}
