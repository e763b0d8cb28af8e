/// The schemas ScimSync implements: core User and Group (RFC 7643 §4) and the Enterprise User
/// extension (§4.3). Attributes shared by every resource (`id`, `externalId`, `meta`) are in
/// ``commonAttributes``.
public enum CoreSchemas {
    public static let all: [SchemaDefinition] = [user, group, enterpriseUser]

    /// Looks a schema up by URN, ignoring case.
    public static func schema(_ urn: String) -> SchemaDefinition? {
        all.first { $0.id.caseInsensitiveEquals(urn) }
    }

    public static let commonAttributes: [AttributeDefinition] = [
        AttributeDefinition(
            "id",
            caseExact: true,
            mutability: .readOnly,
            returned: .always,
            uniqueness: .server,
            description: "Identifier of the resource, assigned by the service provider."
        ),
        AttributeDefinition(
            "externalId",
            caseExact: true,
            description: "Identifier of the resource as the provisioning client knows it."
        ),
        AttributeDefinition(
            "meta",
            .complex,
            mutability: .readOnly,
            subAttributes: [
                AttributeDefinition("resourceType", caseExact: true, mutability: .readOnly, description: "The resource type."),
                AttributeDefinition("created", .dateTime, mutability: .readOnly, description: "When the resource was created."),
                AttributeDefinition("lastModified", .dateTime, mutability: .readOnly, description: "When the resource was last changed."),
                AttributeDefinition("location", .reference, caseExact: true, mutability: .readOnly, description: "The URI of the resource."),
                AttributeDefinition("version", caseExact: true, mutability: .readOnly, description: "The version (weak ETag) of the resource."),
            ],
            description: "Resource metadata."
        ),
    ]

    private static func multiValuedSubAttributes(
        types: [String],
        valueType: AttributeDefinition.DataType = .string,
        valueDescription: String
    ) -> [AttributeDefinition] {
        [
            AttributeDefinition("value", valueType, description: valueDescription),
            AttributeDefinition("display", description: "A human-readable name, primarily used for display purposes."),
            AttributeDefinition("type", canonicalValues: types, description: "A label indicating the attribute's function."),
            AttributeDefinition("primary", .boolean, description: "Whether this is the primary value."),
        ]
    }

    public static let user = SchemaDefinition(
        id: ScimSchemaURN.user,
        name: "User",
        description: "User Account",
        attributes: [
            AttributeDefinition(
                "userName",
                required: true,
                uniqueness: .server,
                description: "Unique identifier for the User, typically used to sign in."
            ),
            AttributeDefinition(
                "name",
                .complex,
                subAttributes: [
                    AttributeDefinition("formatted", description: "The full name."),
                    AttributeDefinition("familyName", description: "The family name."),
                    AttributeDefinition("givenName", description: "The given name."),
                    AttributeDefinition("middleName", description: "The middle name(s)."),
                    AttributeDefinition("honorificPrefix", description: "The honorific prefix(es)."),
                    AttributeDefinition("honorificSuffix", description: "The honorific suffix(es)."),
                ],
                description: "The components of the user's name."
            ),
            AttributeDefinition("displayName", description: "The name of the User, suitable for display."),
            AttributeDefinition("nickName", description: "The casual way to address the user."),
            AttributeDefinition("profileUrl", .reference, referenceTypes: ["external"], description: "A URI of the user's online profile."),
            AttributeDefinition("title", description: "The user's title."),
            AttributeDefinition("userType", description: "The relationship between the organization and the user."),
            AttributeDefinition("preferredLanguage", description: "The user's preferred written or spoken language."),
            AttributeDefinition("locale", description: "The user's default location."),
            AttributeDefinition("timezone", description: "The user's time zone."),
            AttributeDefinition("active", .boolean, description: "The user's administrative status."),
            AttributeDefinition(
                "password",
                mutability: .writeOnly,
                returned: .never,
                description: "Accepted and never stored or returned."
            ),
            AttributeDefinition(
                "emails",
                .complex,
                multiValued: true,
                subAttributes: multiValuedSubAttributes(types: ["work", "home", "other"], valueDescription: "An email address."),
                description: "Email addresses for the user."
            ),
            AttributeDefinition(
                "phoneNumbers",
                .complex,
                multiValued: true,
                subAttributes: multiValuedSubAttributes(
                    types: ["work", "home", "mobile", "fax", "pager", "other"],
                    valueDescription: "A phone number."
                ),
                description: "Phone numbers for the user."
            ),
            AttributeDefinition(
                "ims",
                .complex,
                multiValued: true,
                subAttributes: multiValuedSubAttributes(
                    types: ["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"],
                    valueDescription: "An instant messaging address."
                ),
                description: "Instant messaging addresses for the user."
            ),
            AttributeDefinition(
                "photos",
                .complex,
                multiValued: true,
                subAttributes: multiValuedSubAttributes(
                    types: ["photo", "thumbnail"],
                    valueType: .reference,
                    valueDescription: "The URL of a photo."
                ),
                description: "URLs of photos of the user."
            ),
            AttributeDefinition(
                "addresses",
                .complex,
                multiValued: true,
                subAttributes: [
                    AttributeDefinition("formatted", description: "The full mailing address."),
                    AttributeDefinition("streetAddress", description: "The street address."),
                    AttributeDefinition("locality", description: "The city or locality."),
                    AttributeDefinition("region", description: "The state or region."),
                    AttributeDefinition("postalCode", description: "The zip code or postal code."),
                    AttributeDefinition("country", description: "The country."),
                    AttributeDefinition(
                        "type",
                        canonicalValues: ["work", "home", "other"],
                        description: "A label indicating the address's function."
                    ),
                    AttributeDefinition("primary", .boolean, description: "Whether this is the primary address."),
                ],
                description: "Physical mailing addresses for the user."
            ),
            AttributeDefinition(
                "groups",
                .complex,
                multiValued: true,
                mutability: .readOnly,
                subAttributes: [
                    AttributeDefinition("value", mutability: .readOnly, description: "The id of the group."),
                    AttributeDefinition("$ref", .reference, mutability: .readOnly, referenceTypes: ["Group"], description: "The URI of the group."),
                    AttributeDefinition("display", mutability: .readOnly, description: "The group's display name."),
                    AttributeDefinition(
                        "type",
                        mutability: .readOnly,
                        canonicalValues: ["direct", "indirect"],
                        description: "How the user is a member."
                    ),
                ],
                description: "The groups the user belongs to, derived from group memberships."
            ),
            AttributeDefinition(
                "entitlements",
                .complex,
                multiValued: true,
                subAttributes: multiValuedSubAttributes(types: [], valueDescription: "An entitlement."),
                description: "Entitlements of the user."
            ),
            AttributeDefinition(
                "roles",
                .complex,
                multiValued: true,
                subAttributes: multiValuedSubAttributes(types: [], valueDescription: "A role."),
                description: "Roles of the user."
            ),
            AttributeDefinition(
                "x509Certificates",
                .complex,
                multiValued: true,
                subAttributes: multiValuedSubAttributes(types: [], valueType: .binary, valueDescription: "A DER certificate, base64."),
                description: "X.509 certificates of the user."
            ),
        ]
    )

    public static let group = SchemaDefinition(
        id: ScimSchemaURN.group,
        name: "Group",
        description: "Group",
        attributes: [
            AttributeDefinition("displayName", required: true, uniqueness: .server, description: "A human-readable name for the Group."),
            AttributeDefinition(
                "members",
                .complex,
                multiValued: true,
                subAttributes: [
                    AttributeDefinition("value", caseExact: true, mutability: .immutable, description: "The id of the member."),
                    AttributeDefinition(
                        "$ref",
                        .reference,
                        mutability: .immutable,
                        referenceTypes: ["User", "Group"],
                        description: "The URI of the member."
                    ),
                    AttributeDefinition("display", mutability: .immutable, description: "The member's display name, as the client wrote it."),
                    AttributeDefinition("type", mutability: .immutable, canonicalValues: ["User", "Group"], description: "The type of the member."),
                ],
                description: "A list of members of the Group."
            ),
        ]
    )

    public static let enterpriseUser = SchemaDefinition(
        id: ScimSchemaURN.enterpriseUser,
        name: "EnterpriseUser",
        description: "Enterprise User",
        attributes: [
            AttributeDefinition("employeeNumber", description: "A string identifier assigned by the organization."),
            AttributeDefinition("costCenter", description: "The name of a cost center."),
            AttributeDefinition("organization", description: "The name of an organization."),
            AttributeDefinition("division", description: "The name of a division."),
            AttributeDefinition("department", description: "The name of a department."),
            AttributeDefinition(
                "manager",
                .complex,
                subAttributes: [
                    AttributeDefinition("value", caseExact: true, description: "The id of the user's manager."),
                    AttributeDefinition("$ref", .reference, referenceTypes: ["User"], description: "The URI of the manager."),
                    AttributeDefinition("displayName", mutability: .readOnly, description: "The manager's display name."),
                ],
                description: "The user's manager."
            ),
        ]
    )
}
