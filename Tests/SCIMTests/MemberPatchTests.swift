import SCIM
import TestSupport
import Testing

@Suite struct MemberPatchTests {
    private func split(_ operations: String, dialect: PatchDialect = .rfc) throws -> (members: [MemberChange], rest: PatchRequest) {
        try MemberPatch.split(
            try PatchRequest.parse(
                try json(
                    #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":\#(operations)}"#
                ),
                dialect: dialect
            )
        )
    }

    @Test func addAndRemoveByPathBecomeRowChanges() throws {
        let (members, rest) = try split(
            #"""
            [{"op":"Add","path":"members","value":[{"value":"u1"},{"value":"g1","type":"Group"}]},
             {"op":"remove","path":"members[value eq \"u2\"]"},
             {"op":"Remove","path":"members","value":[{"value":"u3"}]}]
            """#,
            dialect: .entra
        )
        #expect(
            members == [
                .add([MemberValue(id: "u1"), MemberValue(id: "g1", type: "Group")]),
                .remove(ids: ["u2"]), .remove(ids: ["u3"]),
            ]
        )
        #expect(rest.operations.isEmpty)
    }

    @Test func removeWithAValueIsRefusedInRFC7644NotReadAsRemoveAll() {
        #expect(throws: ScimError.self) { try split(#"[{"op":"remove","path":"members","value":[{"value":"u3"}]}]"#) }
    }

    @Test func aMemberKeepsTheDisplayItsClientWrote() throws {
        let (members, _) = try split(#"[{"op":"add","path":"members","value":[{"value":"u1","display":"Ann"},{"value":"u2"}]}]"#)
        #expect(members == [.add([MemberValue(id: "u1", display: "Ann"), MemberValue(id: "u2")])])
    }

    @Test func removeWithoutValueClearsAndReplaceReplaces() throws {
        let (members, _) = try split(#"[{"op":"remove","path":"members"},{"op":"replace","path":"members","value":[{"value":"u9"}]}]"#)
        #expect(members == [.removeAll, .replace([MemberValue(id: "u9")])])
    }

    @Test func orOfValueFiltersRemovesEachIdWithoutReadingTheList() throws {
        let (members, _) = try split(#"[{"op":"remove","path":"members[value eq \"a\" or value eq \"b\"]"}]"#)
        #expect(members == [.remove(ids: ["a", "b"])])
    }

    @Test func otherFiltersAreEvaluatedAgainstTheMembers() throws {
        let (members, _) = try split(#"[{"op":"remove","path":"members[type eq \"Group\"]"}]"#)
        guard case .removeMatching? = members.first else {
            Issue.record("expected removeMatching, got \(members)")
            return
        }
    }

    @Test func pathlessValueWithMembersAndRenameIsSplit() throws {
        let (members, rest) = try split(#"[{"op":"replace","value":{"id":"g","displayName":"New","members":[{"value":"u1"}]}}]"#)
        #expect(members == [.replace([MemberValue(id: "u1")])])
        #expect(rest.operations.count == 1)
        #expect(rest.operations[0].value?["displayName"] == .string("New"))
        #expect(rest.operations[0].value?["members"] == nil)
    }

    @Test func attributeOperationsPassThrough() throws {
        let (members, rest) = try split(#"[{"op":"replace","path":"displayName","value":"Ops"}]"#)
        #expect(members.isEmpty)
        #expect(rest.operations.count == 1)
    }

    @Test func memberWithoutValueIsInvalid() throws {
        #expect(throws: ScimError.self) { try split(#"[{"op":"add","path":"members","value":[{"display":"x"}]}]"#) }
        do { _ = try split(#"[{"op":"add","path":"members","value":[{"display":"x"}]}]"#) } catch let error as ScimError {
            #expect(error.scimType == .invalidValue)
        }
    }

    @Test func partOfAMemberCannotBeReplaced() throws {
        do {
            _ = try split(#"[{"op":"replace","path":"members[value eq \"u1\"].display","value":"x"}]"#)
            Issue.record("expected invalidPath")
        } catch let error as ScimError {
            #expect(error.scimType == .invalidPath)
        }
    }
}
