import AppTraffic
import ConfigDocument
import Foundation
import SCIM
import SyncRules
import Testing

// The configuration export document (`scimsync export` / `import`): serialization, versions,
// and the problems a refused document is reported with, each named by its JSON Pointer.

// MARK: - helpers

/// The problems `text` is refused with (none when it parses).
private func problems(_ text: String) -> [RuleProblem] {
    problems(Array(text.utf8))
}

private func problems(_ bytes: [UInt8]) -> [RuleProblem] {
    do {
        _ = try ConfigDocument.parse(bytes)
        return []
    } catch {
        return error.problems
    }
}

private func parse(_ text: String) throws -> SetupConfiguration {
    try ConfigDocument.parse(Array(text.utf8))
}

/// A version-2 document with one directory "corp" unless told otherwise.
private func document(settings: String = "{}", directories: String = #"[{"name": "corp"}]"#, apps: String = "[]") -> String {
    #"{"format": "scimsync-configuration", "version": 2, "settings": \#(settings), "directories": \#(directories), "apps": \#(apps)}"#
}

/// An app "a" (okta, on "corp") with `members` added.
private func app(_ members: String = "", name: String = "a") -> String {
    #"{"name": "\#(name)", "provider": "okta", "directory": "corp"\#(members.isEmpty ? "" : ", " + members)}"#
}

/// A token object with `sha256` and `members` (`createdAt` and `hint` are present unless replaced).
private func token(_ sha256: String = hash(1), _ members: String = "") -> String {
    #"{"sha256": "\#(sha256)", "hint": "scs_abcd…", "createdAt": "2026-11-23T17:22:11.123Z"\#(members.isEmpty ? "" : ", " + members)}"#
}

/// A distinct, well-formed SHA-256 hex string per seed.
private func hash(_ seed: Int) -> String {
    let digits = Array("0123456789abcdef")
    return String((0..<64).map { digits[($0 * 7 + seed * 13 + $0 / 5) % 16] })
}

/// Rules with every setting away from its default.
private func everyRule() -> AppRules {
    var user = UserSyncRules()
    user.createUsers = false
    user.updateUsers = false
    user.deactivateUsers = false
    user.followActive = false
    user.onDelete = .deactivate
    user.existingUsers = .refuse
    user.attributeMapping = [
        .username: AttributeSource(path: "externalId", fallback: "userName"),
        .email: AttributeSource(path: #"emails[type eq "work"].value"#, fallback: "mail"),
        .displayName: AttributeSource(path: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber"),
        .firstName: AttributeSource(path: "name.givenName"),
        .lastName: AttributeSource(path: "name.familyName", fallback: "nickName"),
    ]
    user.usernameTransform = RegexTransform(pattern: #"^([^@]+)@corp\.com$"#, replacement: "$1")
    var group = GroupSyncRules()
    group.mode = .manual
    group.defaultGroupsForNewUsers = ["newcomers"]
    group.defaultGroupsForAllUsers = ["everyone", "staff"]
    group.mappings = [
        GroupSyncRules.Mapping(idpGroup: "Engineering", directoryGroups: ["jira-users", "confluence-users"]),
        GroupSyncRules.Mapping(idpGroup: "Sales \"EMEA\"", directoryGroups: ["crm"]),
    ]
    group.importUnmappedGroups = true
    group.keepExistingMemberships = false
    group.filter = GroupNameFilter(allow: ["^app-", "^team-"], deny: ["-test$", #"\d{3}"#])
    group.nameTransform = RegexTransform(pattern: "^app-(.+)$", replacement: "$1")
    return AppRules(userSync: user, groupSync: group)
}

/// A configuration that uses every setting: every provider, enabled and disabled apps, apps with
/// live, expiring and no tokens, a redacted app (tokens nil), names that need JSON escaping.
private func everything() -> SetupConfiguration {
    let tokens = [
        SetupConfiguration.Token(
            sha256: hash(1),
            hint: "scs_ZC3t…",
            createdAt: "2026-11-23T17:38:32.352Z",
            expiresAt: "2026-11-24T17:38:32.447Z"
        ),
        SetupConfiguration.Token(sha256: hash(2), hint: "scs_aSfL…", createdAt: "2026-11-23T17:38:32.449Z", expiresAt: nil),
    ]
    var apps = [
        SetupConfiguration.App(name: "okta-prod", provider: .okta, directory: "corp", enabled: true, tokens: tokens, rules: everyRule()),
        SetupConfiguration.App(
            name: "entra.EU_1",
            provider: .entra,
            directory: "Staff \"ÉU\" / ~x",
            enabled: false,
            tokens: [
                SetupConfiguration.Token(
                    sha256: hash(3),
                    hint: "",
                    createdAt: "2026-01-02T03:04:05Z",
                    expiresAt: "2026-01-02T03:04:05.5Z"
                )
            ],
            rules: AppRules()
        ),
        SetupConfiguration.App(
            name: "no-tokens",
            provider: .onelogin,
            directory: "corp",
            enabled: true,
            tokens: [],
            rules: AppRules(),
            baseURL: "https://scim.example.com:8443/idp",
            rateLimit: RateLimit(perSecond: 20, burst: 60)
        ),
    ]
    for (index, provider) in [ProviderProfile.miniorange, .keycloak, .google, .generic].enumerated() {
        var rules = AppRules()
        rules.groupSync.mode = index.isMultiple(of: 2) ? .manual : .onTheFly
        rules.userSync.onDelete = index.isMultiple(of: 2) ? .delete : .deactivate
        apps.append(
            SetupConfiguration.App(
                name: "\(provider.rawValue)-\(index)",
                provider: provider,
                directory: "ümlaut",
                enabled: index != 1,
                tokens: index == 3 ? nil : [],
                rules: rules
            )
        )
    }
    return SetupConfiguration(
        settings: .init(auditRetentionDays: 30),
        directories: ["corp", "Staff \"ÉU\" / ~x", "ümlaut"],
        apps: apps
    )
}

// MARK: - serialization

@Suite struct SerializationTests {
    @Test func serializeParseSerializeIsByteIdentical() throws {
        let configuration = everything()
        let first = ConfigDocument.serialize(configuration)
        let parsed = try parse(first)
        #expect(parsed == configuration)
        let second = ConfigDocument.serialize(parsed)
        #expect(second == first)
        #expect(Array(second.utf8) == Array(first.utf8))
    }

    /// Found by the config fuzzer: a document that does not name the settings (which importing
    /// leaves alone) was written out with `"auditRetentionDays": null`, which clears them.
    @Test func absentSettingsStayAbsentWhenWrittenOut() throws {
        let configuration = try parse(#"{"format": "scimsync-configuration", "version": 2}"#)
        let text = ConfigDocument.serialize(configuration)
        #expect(!text.contains("settings"))
        #expect(try parse(text) == configuration)
    }

    @Test func everySettingAppearsInTheDocument() throws {
        let text = ConfigDocument.serialize(everything())
        for key in [
            "format", "version", "settings", "auditRetentionDays", "directories", "apps", "name", "provider", "directory",
            "enabled", "baseURL", "rateLimit", "perSecond", "burst", "tokens", "sha256", "hint", "createdAt", "expiresAt", "userSync", "createUsers",
            "updateUsers",
            "deactivateUsers", "followActive", "onDelete", "existingUsers", "attributeMapping", "username", "email",
            "displayName", "firstName", "lastName", "path", "fallback", "usernameTransform", "pattern", "replacement",
            "groupSync", "mode", "defaultGroupsForNewUsers", "defaultGroupsForAllUsers", "mappings", "idpGroup",
            "directoryGroups", "importUnmappedGroups", "keepExistingMemberships", "filter", "allow", "deny",
            "nameTransform",
        ] {
            #expect(text.contains("\"\(key)\": "), "key \(key) missing")
        }
        for provider in ProviderProfile.allCases {
            #expect(text.contains("\"provider\": \"\(provider.rawValue)\""))
        }
    }

    @Test func emptyConfigurationHasAFixedForm() {
        #expect(
            ConfigDocument.serialize(SetupConfiguration()) == """
                {
                  "format": "scimsync-configuration",
                  "version": 2,
                  "settings": {
                    "auditRetentionDays": null
                  },
                  "directories": [],
                  "apps": []
                }

                """
        )
    }

    @Test func formatAndVersionComeFirstAndTheDocumentEndsWithANewline() {
        let text = ConfigDocument.serialize(everything())
        #expect(text.hasPrefix("{\n  \"format\": \"scimsync-configuration\",\n  \"version\": 2,\n"))
        #expect(text.hasSuffix("}\n"))
        #expect(!text.hasSuffix("\n\n"))
    }

    @Test func defaultRulesAreWrittenOutInFull() throws {
        let configuration = SetupConfiguration(
            directories: ["corp"],
            apps: [
                .init(name: "a", provider: .generic, directory: "corp", enabled: true, tokens: [], rules: AppRules())
            ]
        )
        let text = ConfigDocument.serialize(configuration)
        let app = try #require(try JSONParser.parse(text)["apps"]?.arrayValue?.first?.objectValue)
        #expect(app.keys == ["name", "provider", "directory", "enabled", "baseURL", "rateLimit", "tokens", "userSync", "groupSync"])
        #expect(
            app["userSync"]?.objectValue?.keys == [
                "createUsers", "updateUsers", "deactivateUsers", "followActive", "onDelete",
                "existingUsers", "attributeMapping", "usernameTransform",
            ]
        )
        #expect(
            app["groupSync"]?.objectValue?.keys == [
                "mode", "defaultGroupsForNewUsers", "defaultGroupsForAllUsers", "mappings",
                "importUnmappedGroups", "keepExistingMemberships", "filter", "nameTransform",
            ]
        )
        #expect(app["userSync"]?["usernameTransform"] == .null)
        #expect(app["groupSync"]?["nameTransform"] == .null)
    }

    @Test func redactLeavesOutTokens() throws {
        let configuration = everything()
        let text = ConfigDocument.serialize(configuration, redact: true)
        #expect(!text.contains("\"tokens\""))
        #expect(!text.contains("sha256"))
        for token in configuration.apps.flatMap({ $0.tokens ?? [] }) {
            #expect(!text.contains(token.sha256))
            #expect(!text.contains(token.createdAt))
        }
        let parsed = try parse(text)
        #expect(parsed.apps.allSatisfy { $0.tokens == nil }, "a redacted document leaves every app's tokens as they are")
        var expected = configuration
        for index in expected.apps.indices { expected.apps[index].tokens = nil }
        #expect(parsed == expected)
        #expect(ConfigDocument.serialize(parsed) == text)
        #expect(ConfigDocument.serialize(parsed, redact: true) == text)
    }

    @Test func noTokensAndRedactedAreDifferent() throws {
        let configuration = SetupConfiguration(
            directories: ["corp"],
            apps: [
                .init(name: "empty", provider: .okta, directory: "corp", enabled: true, tokens: [], rules: AppRules()),
                .init(name: "redacted", provider: .okta, directory: "corp", enabled: true, tokens: nil, rules: AppRules()),
            ]
        )
        let parsed = try parse(ConfigDocument.serialize(configuration))
        #expect(parsed.apps.map(\.tokens) == [[], nil])
    }
}

// MARK: - reading: absent keys, null, versions

@Suite struct ReadingTests {
    /// A document that does not name the settings leaves them alone when imported.
    @Test func minimalDocumentIsAnEmptyConfiguration() throws {
        #expect(try parse(#"{"format": "scimsync-configuration", "version": 2}"#) == SetupConfiguration(settings: nil))
        #expect(
            try parse(#"{"format": "scimsync-configuration", "version": 2, "settings": null, "directories": null, "apps": null}"#)
                == SetupConfiguration(settings: nil)
        )
        #expect(
            try parse(#"{"format": "scimsync-configuration", "version": 2, "settings": {"auditRetentionDays": null}}"#)
                == SetupConfiguration()
        )
    }

    @Test func optionalAppKeysTakeTheirDefaults() throws {
        let configuration = try parse(
            document(apps: "[\(app()), \(app(#""enabled": null, "tokens": null, "userSync": null, "groupSync": {}"#, name: "b"))]")
        )
        for parsed in configuration.apps {
            #expect(parsed.enabled)
            #expect(parsed.tokens == nil)
            #expect(parsed.rules == AppRules())
        }
        #expect(configuration.apps.map(\.name) == ["a", "b"])
    }

    @Test func tokenWithoutExpiry() throws {
        let configuration = try parse(document(apps: "[\(app("\"tokens\": [\(token()), \(token(hash(2), #""expiresAt": null"#))]"))]"))
        #expect(configuration.apps[0].tokens?.map(\.expiresAt) == [nil, nil])
        #expect(configuration.apps[0].tokens?.map(\.sha256) == [hash(1), hash(2)])
    }

    @Test func namesAreTrimmed() throws {
        let configuration = try parse(document(directories: #"[{"name": "  corp "}]"#, apps: "[\(app(name: " a "))]"))
        #expect(configuration.directories == ["corp"])
        #expect(configuration.apps.map(\.name) == ["a"])
    }

    @Test func directoryReferenceIgnoresCase() throws {
        let configuration = try parse(document(directories: #"[{"name": "Corp"}]"#, apps: "[\(app())]"))
        #expect(configuration.apps[0].directory == "corp")
    }

    @Test func version1IsMigrated() throws {
        let expected = SetupConfiguration(
            settings: .init(auditRetentionDays: 7),
            directories: ["corp"],
            apps: [
                .init(
                    name: "a",
                    provider: .okta,
                    directory: "corp",
                    enabled: false,
                    tokens: [.init(sha256: hash(1), hint: "scs_abcd…", createdAt: "2026-11-23T17:22:11.123Z", expiresAt: nil)],
                    rules: everyRule()
                ),
                .init(name: "b", provider: .generic, directory: "corp", enabled: true, tokens: nil, rules: AppRules()),
            ]
        )
        // Version 1: each app's rules in one `rules` object.
        let rules = JSONWriter.string(RulesDocument.json(everyRule()))
        let version1 = """
            {"format": "scimsync-configuration", "version": 1, "settings": {"auditRetentionDays": 7},
             "directories": [{"name": "corp"}],
             "apps": [{"name": "a", "provider": "okta", "directory": "corp", "enabled": false,
                       "tokens": [\(token())], "rules": \(rules)},
                      {"name": "b", "provider": "generic", "directory": "corp"}]}
            """
        let migrated = try parse(version1)
        #expect(migrated == expected)
        let text = ConfigDocument.serialize(migrated)
        #expect(text.contains("\"version\": 2,"))
        #expect(!text.contains("\"rules\""))
        #expect(try parse(text) == expected)
    }

    @Test func version1WithPartialRules() throws {
        let migrated = try parse(
            """
            {"format": "scimsync-configuration", "version": 1, "directories": [{"name": "corp"}],
             "apps": [{"name": "a", "provider": "okta", "directory": "corp", "rules": {"userSync": {"onDelete": "deactivate"}}}]}
            """
        )
        var rules = AppRules()
        rules.userSync.onDelete = .deactivate
        #expect(migrated.apps[0].rules == rules)
    }

    @Test func version1ProblemsAreStillReported() {
        let found = problems(
            """
            {"format": "scimsync-configuration", "version": 1, "directories": [{"name": "corp"}],
             "apps": [{"name": "a", "provider": "okta", "directory": "corp", "rules": {"colour": 1}}]}
            """
        )
        #expect(!found.isEmpty)
    }

    /// A problem in a version-1 document must be named by a JSON Pointer into that document
    /// (`/apps/0/rules/userSync/...`), or the admin cannot find it.
    @Test func version1ProblemsPointIntoTheVersion1Document() {
        let found = problems(
            """
            {"format": "scimsync-configuration", "version": 1, "directories": [{"name": "corp"}],
             "apps": [{"name": "a", "provider": "okta", "directory": "corp",
                       "rules": {"userSync": {"usernameTransform": {"pattern": "(", "replacement": ""}}}}]}
            """
        )
        #expect(found.map(\.path) == ["/apps/0/rules/userSync/usernameTransform/pattern"])
    }

    /// An unknown key inside a version-1 `rules` object is named where it is: under `rules`.
    @Test func version1UnknownRulesKeyPointsIntoRules() {
        let found = problems(
            """
            {"format": "scimsync-configuration", "version": 1, "directories": [{"name": "corp"}],
             "apps": [{"name": "a", "provider": "okta", "directory": "corp", "rules": {"userSync": {}, "colour": "red"}}]}
            """
        )
        #expect(found.map(\.path) == ["/apps/0/rules/colour"])
    }

    @Test func version3IsRefusedNamingVersion() {
        let found = problems(#"{"format": "scimsync-configuration", "version": 3, "future": {"anything": true}}"#)
        #expect(found.map(\.path) == ["/version"])
        #expect(found.first?.message.contains("format version 3") == true)
        #expect(found.first?.message.contains("up to 2") == true)
        #expect(found.first?.description.hasPrefix("/version: ") == true)
    }

    @Test(arguments: [#""2""#, "0", "-1", "2.5", "null", "true", "[2]"])
    func versionMustBeAWholeNumber(version: String) {
        let found = problems(#"{"format": "scimsync-configuration", "version": \#(version)}"#)
        #expect(found.map(\.path) == ["/version"])
        #expect(found.first?.message == "expected a whole number of at least 1")
    }

    @Test func versionIsRequired() {
        #expect(problems(#"{"format": "scimsync-configuration"}"#).map(\.path) == ["/version"])
    }

    /// A version too large for an Int must be refused like any other newer version, not crash.
    @Test func hugeVersionIsRefusedWithoutCrashing() async {
        await #expect(processExitsWith: .success, "parsing a huge version number crashed") {
            for huge in ["1e400", "1e19", "9223372036854775808"] {
                do {
                    _ = try ConfigDocument.parse(Array(#"{"format": "scimsync-configuration", "version": \#(huge)}"#.utf8))
                    exit(2)
                } catch {
                    guard (error as? RuleProblems)?.problems.map({ $0.path }) == ["/version"] else { exit(3) }
                }
            }
        }
    }

    @Test(arguments: [
        ("nope", "unexpected literal"),
        ("", "the document is empty"),
        (#"{"format": "scimsync-configuration", "version": 2"#, "invalid JSON at byte 49: expected ',' or '}' in an object"),
        (#"{"format": "scimsync-configuration", "version": "#, "invalid JSON at byte 48: unexpected end of input"),
        (#"{"format": "scimsync-configuration", "version": 2,}"#, "expected a member name"),
        (#"{"format": "scimsync-configuration"} trailing"#, "unexpected content after the JSON value"),
    ])
    func notJSON(text: String, reason: String) {
        let found = problems(text)
        #expect(found.count == 1)
        #expect(found.first?.path == "")
        #expect(found.first?.message.hasPrefix("not JSON: ") == true)
        #expect(found.first?.message.contains(reason) == true)
        #expect(found.first?.description.hasPrefix("/: not JSON") == true)
    }

    @Test func invalidUTF8IsNotJSON() {
        let found = problems([0x7B, 0xFF, 0xFE, 0x7D])
        #expect(found.map(\.path) == [""])
        #expect(found.first?.message.hasPrefix("not JSON: ") == true)
    }

    @Test func truncatedExportIsNotJSON() {
        let text = ConfigDocument.serialize(everything())
        let bytes = Array(text.utf8)
        for cut in [1, bytes.count / 3, bytes.count / 2, bytes.count - 3] {
            let found = problems(Array(bytes.prefix(cut)))
            #expect(found.map(\.path) == [""], "cut at \(cut): \(found)")
            #expect(found.first?.message.hasPrefix("not JSON: invalid JSON at byte ") == true, "cut at \(cut): \(found)")
        }
    }

    @Test(arguments: [
        #"{"format": "scim-config", "version": 2}"#,
        #"{"format": "SCIMSYNC-CONFIGURATION", "version": 2}"#,
        #"{"format": 1, "version": 2}"#,
        #"{"version": 2, "apps": []}"#,
    ])
    func wrongFormatIsRefused(text: String) {
        let found = problems(text)
        #expect(found.map(\.path) == ["/format"])
        #expect(found.first?.message.contains("not a ScimSync configuration export") == true)
    }

    @Test(arguments: ["[]", #""scimsync-configuration""#, "42", "null"])
    func documentMustBeAnObject(text: String) {
        #expect(problems(text) == [RuleProblem(path: "", message: "expected an object")])
    }

    @Test func overSizeDocumentIsRefusedBeforeParsing() {
        // Not even JSON: the size is checked first.
        let found = problems([UInt8](repeating: UInt8(ascii: "["), count: ConfigDocument.maxBytes + 1))
        #expect(found.map(\.path) == [""])
        #expect(found.first?.message == "the document is \(ConfigDocument.maxBytes + 1) bytes; the limit is \(ConfigDocument.maxBytes) bytes")
        #expect(ConfigDocument.maxBytes == 16 * 1024 * 1024)
    }

    @Test func documentOfExactlyTheLimitIsRead() throws {
        var bytes = Array(ConfigDocument.serialize(everything()).utf8)
        bytes += [UInt8](repeating: UInt8(ascii: " "), count: ConfigDocument.maxBytes - bytes.count)
        #expect(bytes.count == ConfigDocument.maxBytes)
        #expect(try ConfigDocument.parse(bytes) == everything())
    }
}

// MARK: - the catalogue of problems

/// A document that must be refused with exactly one problem at `path`, whose message contains `message`.
struct Refusal: Sendable, CustomTestStringConvertible {
    var what: String
    var text: String
    var path: String
    var message: String
    var testDescription: String { what }

    init(_ what: String, _ text: String, _ path: String, _ message: String) {
        self.what = what
        self.text = text
        self.path = path
        self.message = message
    }
}

private let unknownKeys: [Refusal] = [
    Refusal(
        "unknown top-level key",
        #"{"format": "scimsync-configuration", "version": 2, "extra": 1}"#,
        "/extra",
        "unknown key (expected one of: format, version, settings, directories, apps, crowdClients)"
    ),
    Refusal("unknown settings key", document(settings: #"{"auditRetention": 3}"#), "/settings/auditRetention", "unknown key"),
    Refusal("unknown directory key", document(directories: #"[{"name": "corp", "id": 3}]"#), "/directories/0/id", "unknown key"),
    Refusal(
        "unknown app key",
        document(apps: "[\(app(#""colour": "red""#))]"),
        "/apps/0/colour",
        "unknown key (expected one of: name, provider, directory, enabled, baseURL, rateLimit, tokens, userSync, groupSync)"
    ),
    Refusal("version-1 rules key in version 2", document(apps: "[\(app(#""rules": {}"#))]"), "/apps/0/rules", "unknown key"),
    Refusal("key differing in case", document(apps: "[\(app(#""Enabled": true"#))]"), "/apps/0/Enabled", "unknown key"),
    Refusal("key escaped in the pointer", document(apps: "[\(app(#""a/b~c": 1"#))]"), "/apps/0/a~1b~0c", "unknown key"),
    Refusal(
        "unknown token key",
        document(apps: "[\(app("\"tokens\": [\(token(hash(1), #""secret": "x""#))]"))]"),
        "/apps/0/tokens/0/secret",
        "unknown key"
    ),
    Refusal(
        "unknown userSync key",
        document(apps: "[\(app(#""userSync": {"createUser": false}"#))]"),
        "/apps/0/userSync/createUser",
        "unknown key"
    ),
    Refusal(
        "unknown mapped field",
        document(apps: "[\(app(#""userSync": {"attributeMapping": {"phone": {"path": "phoneNumbers"}}}"#))]"),
        "/apps/0/userSync/attributeMapping/phone",
        "unknown key"
    ),
    Refusal(
        "unknown mapping source key",
        document(apps: "[\(app(#""userSync": {"attributeMapping": {"email": {"path": "mail", "default": "x"}}}"#))]"),
        "/apps/0/userSync/attributeMapping/email/default",
        "unknown key"
    ),
    Refusal(
        "unknown transform key",
        document(apps: "[\(app(#""userSync": {"usernameTransform": {"pattern": "a", "replacement": "b", "flags": "i"}}"#))]"),
        "/apps/0/userSync/usernameTransform/flags",
        "unknown key"
    ),
    Refusal(
        "unknown groupSync key",
        document(apps: "[\(app(#""groupSync": {"mappingMode": "manual"}"#))]"),
        "/apps/0/groupSync/mappingMode",
        "unknown key"
    ),
    Refusal(
        "unknown group mapping key",
        document(apps: "[\(app(#""groupSync": {"mappings": [{"idpGroup": "Eng", "directoryGroups": ["eng"], "group": "x"}]}"#))]"),
        "/apps/0/groupSync/mappings/0/group",
        "unknown key"
    ),
    Refusal(
        "unknown filter key",
        document(apps: "[\(app(#""groupSync": {"filter": {"allow": [], "block": []}}"#))]"),
        "/apps/0/groupSync/filter/block",
        "unknown key"
    ),
]

private let wrongTypes: [Refusal] = [
    Refusal("settings not an object", document(settings: "[]"), "/settings", "expected an object"),
    Refusal(
        "retention as a string",
        document(settings: #"{"auditRetentionDays": "30"}"#),
        "/settings/auditRetentionDays",
        "expected a whole number of days from 1 to 36500, or null"
    ),
    Refusal("retention of 0 days", document(settings: #"{"auditRetentionDays": 0}"#), "/settings/auditRetentionDays", "from 1 to 36500"),
    Refusal("retention too long", document(settings: #"{"auditRetentionDays": 36501}"#), "/settings/auditRetentionDays", "from 1 to 36500"),
    Refusal("retention fractional", document(settings: #"{"auditRetentionDays": 1.5}"#), "/settings/auditRetentionDays", "whole number"),
    Refusal("directories not an array", document(directories: #"{"name": "corp"}"#), "/directories", "expected an array"),
    Refusal("directory as a string", document(directories: #"["corp"]"#), "/directories/0", "expected an object"),
    Refusal("directory name a number", document(directories: #"[{"name": 7}]"#), "/directories/0/name", "expected a string"),
    Refusal("apps not an array", document(apps: #""okta""#), "/apps", "expected an array"),
    Refusal("app as a string", document(apps: #"["okta"]"#), "/apps/0", "expected an object"),
    Refusal("app name a number", document(apps: #"[{"name": 42, "provider": "okta", "directory": "corp"}]"#), "/apps/0/name", "expected a string"),
    Refusal("enabled as a string", document(apps: "[\(app(#""enabled": "yes""#))]"), "/apps/0/enabled", "expected true or false"),
    Refusal("tokens not an array", document(apps: "[\(app(#""tokens": {}"#))]"), "/apps/0/tokens", "expected an array"),
    Refusal("token as a string", document(apps: "[\(app("\"tokens\": [\"\(hash(1))\"]"))]"), "/apps/0/tokens/0", "expected an object"),
    Refusal(
        "token hint a number",
        document(apps: "[\(app("\"tokens\": [{\"sha256\": \"\(hash(1))\", \"hint\": 7, \"createdAt\": \"2026-11-23T17:22:11.123Z\"}]"))]"),
        "/apps/0/tokens/0/hint",
        "expected a string"
    ),
    Refusal("userSync not an object", document(apps: "[\(app(#""userSync": true"#))]"), "/apps/0/userSync", "expected an object"),
    Refusal(
        "createUsers as a string",
        document(apps: "[\(app(#""userSync": {"createUsers": "off"}"#))]"),
        "/apps/0/userSync/createUsers",
        "expected true or false"
    ),
    Refusal(
        "onDelete unknown",
        document(apps: "[\(app(#""userSync": {"onDelete": "remove"}"#))]"),
        "/apps/0/userSync/onDelete",
        #"expected one of: "delete", "deactivate""#
    ),
    Refusal(
        "existingUsers a boolean",
        document(apps: "[\(app(#""userSync": {"existingUsers": true}"#))]"),
        "/apps/0/userSync/existingUsers",
        #"expected one of: "adopt", "refuse""#
    ),
    Refusal(
        "mode spelled as on the command line",
        document(apps: "[\(app(#""groupSync": {"mode": "on-the-fly"}"#))]"),
        "/apps/0/groupSync/mode",
        #"expected one of: "onTheFly", "manual""#
    ),
    Refusal(
        "attributeMapping an array",
        document(apps: "[\(app(#""userSync": {"attributeMapping": []}"#))]"),
        "/apps/0/userSync/attributeMapping",
        "expected an object"
    ),
    Refusal(
        "mapping source a string",
        document(apps: "[\(app(#""userSync": {"attributeMapping": {"email": "mail"}}"#))]"),
        "/apps/0/userSync/attributeMapping/email",
        "expected an object"
    ),
    Refusal(
        "usernameTransform a string",
        document(apps: "[\(app(#""userSync": {"usernameTransform": "^(.*)$"}"#))]"),
        "/apps/0/userSync/usernameTransform",
        "expected an object"
    ),
    Refusal(
        "default groups a string",
        document(apps: "[\(app(#""groupSync": {"defaultGroupsForAllUsers": "everyone"}"#))]"),
        "/apps/0/groupSync/defaultGroupsForAllUsers",
        "expected an array"
    ),
    Refusal(
        "default group a number",
        document(apps: "[\(app(#""groupSync": {"defaultGroupsForNewUsers": ["ok", 3]}"#))]"),
        "/apps/0/groupSync/defaultGroupsForNewUsers/1",
        "expected a string"
    ),
    Refusal(
        "mappings an object",
        document(apps: "[\(app(#""groupSync": {"mappings": {"Eng": ["eng"]}}"#))]"),
        "/apps/0/groupSync/mappings",
        "expected an array"
    ),
    Refusal(
        "idpGroup a number",
        document(apps: "[\(app(#""groupSync": {"mappings": [{"idpGroup": 1, "directoryGroups": ["eng"]}]}"#))]"),
        "/apps/0/groupSync/mappings/0/idpGroup",
        "expected a string"
    ),
    Refusal(
        "importUnmappedGroups a string",
        document(apps: "[\(app(#""groupSync": {"importUnmappedGroups": "on"}"#))]"),
        "/apps/0/groupSync/importUnmappedGroups",
        "expected true or false"
    ),
    Refusal(
        "keepExistingMemberships a number",
        document(apps: "[\(app(#""groupSync": {"keepExistingMemberships": 1}"#))]"),
        "/apps/0/groupSync/keepExistingMemberships",
        "expected true or false"
    ),
    Refusal("filter an array", document(apps: "[\(app(#""groupSync": {"filter": ["^a"]}"#))]"), "/apps/0/groupSync/filter", "expected an object"),
    Refusal(
        "filter pattern a number",
        document(apps: "[\(app(#""groupSync": {"filter": {"deny": [1]}}"#))]"),
        "/apps/0/groupSync/filter/deny/0",
        "expected a string"
    ),
]

private let badValues: [Refusal] = [
    Refusal(
        "rate limit of zero",
        document(apps: "[\(app(#""rateLimit": {"perSecond": 0, "burst": 10}"#))]"),
        "/apps/0/rateLimit/perSecond",
        "expected a whole number from 1 to 100000"
    ),
    Refusal(
        "rate limit burst not whole",
        document(apps: "[\(app(#""rateLimit": {"perSecond": 5, "burst": 2.5}"#))]"),
        "/apps/0/rateLimit/burst",
        "expected a whole number from 1 to 1000000"
    ),
    Refusal(
        "bad username regex",
        document(apps: "[\(app(#""userSync": {"usernameTransform": {"pattern": "(", "replacement": ""}}"#))]"),
        "/apps/0/userSync/usernameTransform/pattern",
        "'(' is not a valid regular expression"
    ),
    Refusal(
        "empty regex",
        document(apps: "[\(app(#""groupSync": {"nameTransform": {"pattern": "", "replacement": "x"}}"#))]"),
        "/apps/0/groupSync/nameTransform/pattern",
        "the pattern is empty"
    ),
    Refusal(
        "replacement names a missing group",
        document(apps: "[\(app(#""groupSync": {"nameTransform": {"pattern": "^app-(.+)$", "replacement": "$2"}}"#))]"),
        "/apps/0/groupSync/nameTransform/replacement",
        "refers to group $2, but the pattern has 1 capture group(s)"
    ),
    Refusal(
        "transform without replacement",
        document(apps: "[\(app(#""userSync": {"usernameTransform": {"pattern": "a"}}"#))]"),
        "/apps/0/userSync/usernameTransform/replacement",
        "is required"
    ),
    Refusal(
        "bad deny regex",
        document(apps: "[\(app(#""groupSync": {"filter": {"allow": ["^ok$"], "deny": ["x", "[a-"]}}"#))]"),
        "/apps/0/groupSync/filter/deny/1",
        "'[a-' is not a valid regular expression"
    ),
    Refusal(
        "empty allow regex",
        document(apps: "[\(app(#""groupSync": {"filter": {"allow": [""]}}"#))]"),
        "/apps/0/groupSync/filter/allow/0",
        "the pattern is empty"
    ),
    Refusal(
        "bad attribute path",
        document(apps: "[\(app(#""userSync": {"attributeMapping": {"email": {"path": "emails[type eq"}}}"#))]"),
        "/apps/0/userSync/attributeMapping/email/path",
        "is not a SCIM attribute path"
    ),
    Refusal(
        "bad fallback path",
        document(apps: "[\(app(#""userSync": {"attributeMapping": {"email": {"path": "mail", "fallback": "emails[type"}}}"#))]"),
        "/apps/0/userSync/attributeMapping/email/fallback",
        "is not a SCIM attribute path"
    ),
    Refusal(
        "mapping without path",
        document(apps: "[\(app(#""userSync": {"attributeMapping": {"lastName": {"fallback": "mail"}}}"#))]"),
        "/apps/0/userSync/attributeMapping/lastName/path",
        "is required"
    ),
    Refusal(
        "directory not listed",
        document(apps: "[\(app())]".replacingOccurrences(of: #""directory": "corp""#, with: #""directory": "staff""#)),
        "/apps/0/directory",
        "directory 'staff' is not in /directories"
    ),
    Refusal("no directories at all", document(directories: "[]", apps: "[\(app())]"), "/apps/0/directory", "is not in /directories"),
    Refusal(
        "duplicate directory ignoring case",
        document(directories: #"[{"name": "corp"}, {"name": "CORP"}]"#),
        "/directories/1/name",
        "directory 'CORP' is listed twice (names are unique ignoring case)"
    ),
    Refusal(
        "duplicate app ignoring case",
        document(apps: "[\(app(name: "okta-prod")), \(app(name: "Okta-Prod"))]"),
        "/apps/1/name",
        "app 'Okta-Prod' is listed twice (names are unique ignoring case)"
    ),
    Refusal(
        "duplicate token across apps",
        document(apps: "[\(app("\"tokens\": [\(token())]")), \(app("\"tokens\": [\(token())]", name: "b"))]"),
        "/apps/1/tokens/0/sha256",
        "this token is listed twice"
    ),
    Refusal(
        "duplicate token in one app",
        document(apps: "[\(app("\"tokens\": [\(token(hash(4))), \(token(hash(5))), \(token(hash(4)))]"))]"),
        "/apps/0/tokens/2/sha256",
        "this token is listed twice"
    ),
    Refusal(
        "sha256 in upper case",
        document(apps: "[\(app("\"tokens\": [\(token(hash(1).uppercased()))]"))]"),
        "/apps/0/tokens/0/sha256",
        "expected 64 lowercase hexadecimal digits (a SHA-256)"
    ),
    Refusal(
        "sha256 too short",
        document(apps: "[\(app("\"tokens\": [\(token(String(hash(1).dropLast())))]"))]"),
        "/apps/0/tokens/0/sha256",
        "expected 64 lowercase hexadecimal digits"
    ),
    Refusal(
        "sha256 not hex",
        document(apps: "[\(app("\"tokens\": [\(token(String(repeating: "g", count: 64)))]"))]"),
        "/apps/0/tokens/0/sha256",
        "expected 64 lowercase hexadecimal digits"
    ),
    Refusal(
        "token secret instead of hash",
        document(apps: "[\(app("\"tokens\": [\(token("scs_ZC3tM5IX36isj-W95MPxoncMjuI9zP0dGzp2e80sHDk"))]"))]"),
        "/apps/0/tokens/0/sha256",
        "expected 64 lowercase hexadecimal digits"
    ),
    Refusal(
        "token without sha256",
        document(apps: "[\(app(#""tokens": [{"hint": "x", "createdAt": "2026-11-23T17:22:11.123Z"}]"#))]"),
        "/apps/0/tokens/0/sha256",
        "is required"
    ),
    Refusal(
        "token without createdAt",
        document(apps: "[\(app("\"tokens\": [{\"sha256\": \"\(hash(1))\", \"hint\": \"x\"}]"))]"),
        "/apps/0/tokens/0/createdAt",
        "is required"
    ),
    Refusal(
        "createdAt not a time",
        document(apps: "[\(app("\"tokens\": [\(token().replacingOccurrences(of: "2026-11-23T17:22:11.123Z", with: "yesterday"))]"))]"),
        "/apps/0/tokens/0/createdAt",
        "expected an RFC 3339 UTC time such as 2026-11-23T17:22:11.123Z"
    ),
    Refusal(
        "expiresAt with a space",
        document(apps: "[\(app("\"tokens\": [\(token(hash(1), #""expiresAt": "2026-11-23 17:22:11Z""#))]"))]"),
        "/apps/0/tokens/0/expiresAt",
        "expected an RFC 3339 UTC time"
    ),
    Refusal(
        "expiresAt with an offset",
        document(apps: "[\(app("\"tokens\": [\(token(hash(1), #""expiresAt": "2026-11-23T17:22:11.123+01:00""#))]"))]"),
        "/apps/0/tokens/0/expiresAt",
        "expected an RFC 3339 UTC time"
    ),
    Refusal(
        "expiresAt a number",
        document(apps: "[\(app("\"tokens\": [\(token(hash(1), #""expiresAt": 1795000000"#))]"))]"),
        "/apps/0/tokens/0/expiresAt",
        "expected a string"
    ),
    Refusal(
        "unknown provider",
        document(apps: "[\(app())]".replacingOccurrences(of: "okta", with: "azure")),
        "/apps/0/provider",
        "expected one of: okta, entra, onelogin, miniorange, keycloak, google, generic"
    ),
    Refusal(
        "provider in upper case",
        document(apps: "[\(app())]".replacingOccurrences(of: "okta", with: "Okta")),
        "/apps/0/provider",
        "expected one of"
    ),
    Refusal("provider missing", document(apps: #"[{"name": "a", "directory": "corp"}]"#), "/apps/0/provider", "is required"),
    Refusal("provider null", document(apps: #"[{"name": "a", "provider": null, "directory": "corp"}]"#), "/apps/0/provider", "is required"),
    Refusal("app name missing", document(apps: #"[{"provider": "okta", "directory": "corp"}]"#), "/apps/0/name", "is required"),
    Refusal("app directory missing", document(apps: #"[{"name": "a", "provider": "okta"}]"#), "/apps/0/directory", "is required"),
    Refusal(
        "app name with a space",
        document(apps: "[\(app(name: "my app"))]"),
        "/apps/0/name",
        "an app name may use only letters, digits, '-', '_' and '.'"
    ),
    Refusal("app name with a slash", document(apps: "[\(app(name: "a/b"))]"), "/apps/0/name", "only letters, digits"),
    Refusal("app name not ASCII", document(apps: "[\(app(name: "ünï"))]"), "/apps/0/name", "only letters, digits"),
    Refusal("empty app name", document(apps: "[\(app(name: ""))]"), "/apps/0/name", "must not be empty"),
    Refusal("directory name blank", document(directories: #"[{"name": "   "}]"#), "/directories/0/name", "must not be empty"),
    Refusal(
        "directory name too long",
        document(directories: "[{\"name\": \"\(String(repeating: "d", count: 201))\"}]"),
        "/directories/0/name",
        "must be at most 200 characters"
    ),
    Refusal("directory without name", document(directories: "[{}]"), "/directories/0/name", "is required"),
    Refusal(
        "IdP group mapped twice ignoring case",
        document(
            apps:
                "[\(app(#""groupSync": {"mappings": [{"idpGroup": "Eng", "directoryGroups": ["a"]}, {"idpGroup": "ENG", "directoryGroups": ["b"]}]}"#))]"
        ),
        "/apps/0/groupSync/mappings/1/idpGroup",
        "IdP group 'ENG' is mapped twice"
    ),
    Refusal(
        "mapping to no group",
        document(apps: "[\(app(#""groupSync": {"mappings": [{"idpGroup": "Eng", "directoryGroups": []}]}"#))]"),
        "/apps/0/groupSync/mappings/0/directoryGroups",
        "must name at least one directory group"
    ),
    Refusal(
        "mapping without groups",
        document(apps: "[\(app(#""groupSync": {"mappings": [{"idpGroup": "Eng"}]}"#))]"),
        "/apps/0/groupSync/mappings/0/directoryGroups",
        "must name at least one directory group"
    ),
    Refusal(
        "mapping without IdP group",
        document(apps: "[\(app(#""groupSync": {"mappings": [{"directoryGroups": ["a"]}]}"#))]"),
        "/apps/0/groupSync/mappings/0/idpGroup",
        "is required"
    ),
    Refusal(
        "default group listed twice",
        document(apps: "[\(app(#""groupSync": {"defaultGroupsForNewUsers": ["staff", "Staff"]}"#))]"),
        "/apps/0/groupSync/defaultGroupsForNewUsers/1",
        "'Staff' is listed twice"
    ),
    Refusal(
        "mapping target listed twice",
        document(apps: "[\(app(#""groupSync": {"mappings": [{"idpGroup": "Eng", "directoryGroups": ["a", "A"]}]}"#))]"),
        "/apps/0/groupSync/mappings/0/directoryGroups/1",
        "'A' is listed twice"
    ),
]

@Suite struct ProblemCatalogueTests {
    @Test(arguments: unknownKeys + wrongTypes + badValues)
    func refusedWithOneProblemAtItsPath(_ refusal: Refusal) {
        let found = problems(refusal.text)
        #expect(found.map(\.path) == [refusal.path], "\(found)")
        #expect(found.first?.message.contains(refusal.message) == true, "\(found)")
        #expect(found.first?.description == "\(refusal.path): \(found.first?.message ?? "")")
    }

    @Test func theCatalogueDocumentsAreOtherwiseValid() throws {
        // Each catalogue entry differs from a valid document by its one problem: the base is valid.
        #expect(try parse(document(apps: "[\(app("\"tokens\": [\(token())]"))]")).apps.count == 1)
    }

    @Test func severalProblemsAreReportedTogetherInDocumentOrder() {
        let text = """
            {"format": "scimsync-configuration", "version": 2, "colour": "red",
             "settings": {"auditRetentionDays": -3},
             "directories": [{"name": "corp"}, {"name": "Corp"}, {"name": ""}],
             "apps": [
               {"name": "okta-prod", "provider": "azure", "directory": "staff", "enabled": "yes",
                "tokens": [{"sha256": "ABC", "hint": "x", "createdAt": "now"}],
                "userSync": {"onDelete": "remove", "usernameTransform": {"pattern": "(", "replacement": "$1"}},
                "groupSync": {"mode": "manual", "filter": {"deny": ["[z-a]"]},
                              "mappings": [{"idpGroup": "Eng", "directoryGroups": []}]}},
               {"name": "OKTA-PROD", "provider": "okta", "directory": "corp"}
             ]}
            """
        let found = problems(text)
        #expect(
            found.map(\.path) == [
                "/colour",
                "/settings/auditRetentionDays",
                "/directories/1/name",
                "/directories/2/name",
                "/apps/0/provider",
                "/apps/0/directory",
                "/apps/0/enabled",
                "/apps/0/tokens/0/sha256",
                "/apps/0/tokens/0/createdAt",
                "/apps/0/userSync/onDelete",
                "/apps/0/userSync/usernameTransform/pattern",
                "/apps/0/groupSync/mappings/0/directoryGroups",
                "/apps/0/groupSync/filter/deny/0",
                "/apps/1/name",
            ],
            "\(found)"
        )
        #expect(RuleProblems(found).description.split(separator: "\n").count == found.count)
    }

    @Test func everyProblemOfOneTransformIsReported() {
        // Both members of the transform are wrongly typed: both are named.
        let found = problems(document(apps: "[\(app(#""userSync": {"usernameTransform": {"pattern": 1, "replacement": 2}}"#))]"))
        #expect(
            found.map(\.path) == ["/apps/0/userSync/usernameTransform/pattern", "/apps/0/userSync/usernameTransform/replacement"],
            "\(found)"
        )
    }

    /// Timestamps are RFC 3339: a month 13, a month 0 or an hour 25 is no time at all (the store
    /// cannot read such an expiry back, and then treats the token as never expiring).
    @Test(arguments: ["2026-13-01T00:00:00.000Z", "0000-00-00T00:00:00.000Z", "2026-11-23T25:61:61.000Z"])
    func impossibleTimesAreRefused(time: String) {
        let found = problems(document(apps: "[\(app("\"tokens\": [\(token(hash(1), "\"expiresAt\": \"\(time)\""))]"))]"))
        #expect(found.map(\.path) == ["/apps/0/tokens/0/expiresAt"], "\(found)")
    }

    /// Found by the config fuzzer: ICU's date parser (under ISO8601DateFormatter) raised SIGFPE on
    /// a fraction of some forty digits and `scimsync import` died; more than nine are refused.
    @Test func longFractionsOfASecondAreRefusedWithoutCrashing() {
        let forty = "2026-11-23T17:22:11." + String(repeating: "1", count: 40) + "Z"
        let found = problems(document(apps: "[\(app("\"tokens\": [\(token(hash(1), "\"expiresAt\": \"\(forty)\""))]"))]"))
        #expect(found.map(\.path) == ["/apps/0/tokens/0/expiresAt"], "\(found)")
        #expect(problems(document(apps: "[\(app("\"tokens\": [\(token(hash(1), "\"expiresAt\": \"2026-11-23T17:22:11.123456789Z\""))]"))]")).isEmpty)
    }
}

@Suite struct BaseURLTests {
    @Test func aBaseURLIsReadWithoutItsTrailingSlash() throws {
        let text = ConfigDocument.serialize(
            SetupConfiguration(
                directories: ["corp"],
                apps: [
                    SetupConfiguration.App(name: "a", provider: .okta, directory: "corp", enabled: true, tokens: nil, rules: AppRules())
                ]
            )
        ).replacingOccurrences(of: #""baseURL": null"#, with: #""baseURL": "https://scim.example.com/""#)
        #expect(try parse(text).apps.first?.baseURL == "https://scim.example.com")
    }

    @Test(arguments: ["javascript:alert(1)", "https://", "https://x.example/?q=1", "https://a b", "ftp://x.example", "https://u:p@x.example"])
    func aBadBaseURLIsRefusedByItsPath(url: String) throws {
        let text = ConfigDocument.serialize(
            SetupConfiguration(
                directories: ["corp"],
                apps: [
                    SetupConfiguration.App(name: "a", provider: .okta, directory: "corp", enabled: true, tokens: nil, rules: AppRules())
                ]
            )
        ).replacingOccurrences(of: #""baseURL": null"#, with: "\"baseURL\": \(JSONWriter.string(.string(url)))")
        let problems = #expect(throws: RuleProblems.self) { try parse(text) }
        #expect(problems?.problems.map(\.path) == ["/apps/0/baseURL"])
    }
}

@Suite struct TokenTimeTests {
    @Test(arguments: ["2020-01-01T00:00:00.9999999999Z", "2020-01-01T00:00:00.\u{0661}Z", "\u{0662}020-01-01T00:00:00Z"])
    func timesTheServerCannotReadAreRefused(time: String) throws {
        let token = SetupConfiguration.Token(sha256: String(repeating: "b", count: 64), hint: "scs_bbbb", createdAt: time, expiresAt: time)
        let text = ConfigDocument.serialize(
            SetupConfiguration(
                directories: ["corp"],
                apps: [
                    SetupConfiguration.App(name: "a", provider: .okta, directory: "corp", enabled: true, tokens: [token], rules: AppRules())
                ]
            )
        )
        let problems = #expect(throws: RuleProblems.self) { try parse(text) }
        #expect(problems?.problems.map(\.path) == ["/apps/0/tokens/0/createdAt", "/apps/0/tokens/0/expiresAt"])
    }
}
