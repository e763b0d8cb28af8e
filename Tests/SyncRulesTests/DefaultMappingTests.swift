import SCIM
import SyncRules
import Testing

private func fields(_ text: String) throws -> DirectoryUserFields {
    let object = try #require(try JSONParser.parse(text).objectValue)
    return try UserSyncRules().fields(for: object)
}

/// The default attribute mapping (SPEC §5), as `UserSyncRules()` applies it to every field.
@Suite struct DefaultMappingTests {
    @Test func mapsTheCoreAttributes() throws {
        let result = try fields(
            """
            {"userName":"ada@corp.com","displayName":"Countess Ada","name":{"givenName":"Ada","familyName":"Lovelace"},
             "emails":[{"value":"ada@corp.com","type":"work"}],"active":false}
            """
        )
        #expect(
            result
                == DirectoryUserFields(
                    username: "ada@corp.com",
                    email: "ada@corp.com",
                    displayName: "Countess Ada",
                    firstName: "Ada",
                    lastName: "Lovelace",
                    active: false
                )
        )
    }

    @Test func emailIsThePrimaryOneWhereverItIs() throws {
        let result = try fields(
            """
            {"userName":"a","emails":[{"value":"w@corp.com","type":"work"},{"value":"h@home.org","type":"home","primary":true}],
             "mail":"mail@corp.com"}
            """
        )
        #expect(result.email == "h@home.org")
    }

    @Test func emailIsTheWorkOneWithoutAPrimary() throws {
        let result = try fields(
            """
            {"userName":"a","emails":[{"value":"h@home.org","type":"home"},{"value":"w@corp.com","type":"Work"},
                                      {"value":"p@primary.false","primary":false}]}
            """
        )
        #expect(result.email == "w@corp.com")
    }

    @Test func emailIsTheFirstOneWithoutPrimaryOrWork() throws {
        let result = try fields(#"{"userName":"a","emails":[{"value":"h@home.org","type":"home"},{"value":"o@other.org","type":"other"}]}"#)
        #expect(result.email == "h@home.org")
    }

    @Test func emailFallsBackToMail() throws {
        #expect(try fields(#"{"userName":"a","mail":"m@corp.com"}"#).email == "m@corp.com")
        #expect(try fields(#"{"userName":"a","emails":[],"mail":"m@corp.com"}"#).email == "m@corp.com")
        #expect(try fields(#"{"userName":"a","emails":[{"value":"","primary":true}],"mail":"m@corp.com"}"#).email == "m@corp.com")
    }

    @Test func noEmailAtAll() throws {
        #expect(try fields(#"{"userName":"a"}"#).email == nil)
        #expect(try fields(#"{"userName":"a","mail":""}"#).email == nil)
    }

    @Test func displayNameFallsBackToGivenAndFamilyName() throws {
        #expect(try fields(#"{"userName":"a","name":{"givenName":"Ada","familyName":"Lovelace"}}"#).displayName == "Ada Lovelace")
        #expect(try fields(#"{"userName":"a","displayName":"","name":{"givenName":"Ada","familyName":"Lovelace"}}"#).displayName == "Ada Lovelace")
        #expect(try fields(#"{"userName":"a","name":{"givenName":"Ada"}}"#).displayName == "Ada")
        #expect(try fields(#"{"userName":"a","name":{"familyName":"Lovelace","givenName":""}}"#).displayName == "Lovelace")
        #expect(try fields(#"{"userName":"a"}"#).displayName == nil)
        #expect(try fields(#"{"userName":"a","displayName":"Shown","name":{"givenName":"Ada"}}"#).displayName == "Shown")
    }

    @Test func emptyNamePartsAreAbsent() throws {
        let result = try fields(#"{"userName":"a","name":{"givenName":"","familyName":"Lovelace"}}"#)
        #expect(result.firstName == nil)
        #expect(result.lastName == "Lovelace")
    }

    @Test func activeDefaultsToTrue() throws {
        #expect(try fields(#"{"userName":"a"}"#).active)
        #expect(try fields(#"{"userName":"a","active":true}"#).active)
        #expect(try !fields(#"{"userName":"a","active":false}"#).active)
    }

    @Test func attributeNamesMatchIgnoringCase() throws {
        let result = try fields(#"{"USERNAME":"a","Name":{"GIVENNAME":"Ada"},"Emails":[{"Value":"x@y","Primary":true}]}"#)
        #expect(result.username == "a")
        #expect(result.firstName == "Ada")
        #expect(result.email == "x@y")
    }
}

extension DefaultMappingTests {
    @Test func missingOrEmptyUserNameIsRefused() throws {
        for text in [#"{"displayName":"Nobody"}"#, #"{"userName":""}"#, #"{"userName":"   "}"#, #"{"userName":42}"#] {
            let object = try #require(try JSONParser.parse(text).objectValue)
            let error = #expect(throws: RuleRefusal.self, "\(text)") { try UserSyncRules().fields(for: object) }
            #expect(error?.kind == .unusableValue)
        }
    }

    @Test func fieldsTheDefaultMappingDoesNotKnowAreIgnored() throws {
        let result = try fields(
            #"{"userName":"a","title":"Engineer","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"7"}}"#
        )
        #expect(result == DirectoryUserFields(username: "a"))
    }
}
