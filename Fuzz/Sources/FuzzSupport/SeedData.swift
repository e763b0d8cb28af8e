/// The resources of ``SeededStore``: every kind of attribute a filter can reach.
enum SeedData {
    static let userSchemas =
        #""schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]"#

    static let users = [
        #"""
        {\#(userSchemas),"userName":"alice@example.com","externalId":"00u1abc","active":true,
         "name":{"givenName":"Alice","familyName":"Liddell","formatted":"Alice Liddell"},"displayName":"Alice",
         "title":"Senior Engineer","userType":"Employee","locale":"en-US",
         "emails":[{"value":"alice@example.com","type":"work","primary":true},{"value":"alice@home.example","type":"home"}],
         "phoneNumbers":[{"value":"+1 555 0100","type":"work"}],
         "addresses":[{"type":"work","streetAddress":"1 Main St","locality":"Springfield","postalCode":"12345","country":"US","primary":true}],
         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"1001","department":"R&D",
           "costCenter":"42","organization":"Example","manager":{"value":"boss-id","displayName":"The Boss"}}}
        """#,
        #"""
        {\#(userSchemas),"userName":"bob","externalId":"b'ob\"","active":false,"name":{"givenName":"Bob"},
         "emails":[{"value":"bob@example.com","type":"work"}],
         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Sales","employeeNumber":"7"}}
        """#,
        #"""
        {\#(userSchemas),"userName":"Zoe\u0308 O'Brien","displayName":"Zoë \"Z\" O'Brien","active":true,
         "emails":[{"value":"zoe@example.org","type":"other","display":"Zoë"}],"nickName":"z%_\\"}
        """#,
    ]

    static func group(_ name: String) -> String {
        #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"\#(name)","externalId":"g-\#(name)"}"#
    }
}
