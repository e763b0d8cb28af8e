import SCIM
import SyncRules

/// The JSON document of a ``SetupConfiguration`` (`scimsync export` / `import`), described by
/// `docs/config.schema.json`.
///
/// Keys come in a fixed order and lists are sorted by name, so export → import → export gives
/// the same bytes. A document of an older format version is migrated when read; a newer one is
/// refused.
public enum ConfigDocument {
    public static let format = "scimsync-configuration"
    public static let version = 2
    /// Larger documents are refused before they are parsed.
    public static let maxBytes = 16 << 20

    /// The document, indented, ending with a newline. `redact` leaves out even the token hashes.
    /// Settings that are `nil` (a document that did not name them) are left out, as importing
    /// `"auditRetentionDays": null` would clear the retention.
    public static func serialize(_ configuration: SetupConfiguration, redact: Bool = false) -> String {
        var members: [(key: String, value: JSONValue)] = [("format", .string(format)), ("version", .integer(version))]
        if let days = configuration.settings.map(\.auditRetentionDays) {
            members.append(("settings", .object(JSONObject([("auditRetentionDays", days.map { .integer($0) } ?? .null)]))))
        }
        members.append(("directories", .array(configuration.directories.map { .object(JSONObject([("name", .string($0))])) })))
        members.append(("apps", .array(configuration.apps.map { app(json: $0, redact: redact) })))
        // Only when there are clients: a document without them reads as it did before clients.
        if !configuration.crowdClients.isEmpty {
            members.append(("crowdClients", .array(configuration.crowdClients.map { crowdClient(json: $0, redact: redact) })))
        }
        return JSONWriter.pretty(.object(JSONObject(members))) + "\n"
    }

    /// Reads and checks a whole document; every problem is reported, each with its JSON Pointer.
    public static func parse(_ bytes: [UInt8]) throws(RuleProblems) -> SetupConfiguration {
        guard bytes.count <= maxBytes else {
            throw RuleProblems([RuleProblem(path: "", message: "the document is \(bytes.count) bytes; the limit is \(maxBytes) bytes")])
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw RuleProblems([RuleProblem(path: "", message: "not JSON: \(error.description)")])
        }
        let reader = JSONReader()
        let configuration = ConfigReader(reader).read(try FormatVersions.current(value))
        guard reader.problems.isEmpty else {
            let version = FormatVersions.version(of: value)
            throw RuleProblems(
                reader.problems.map {
                    RuleProblem(path: FormatVersions.pathInOriginal($0.path, version: version), message: $0.message)
                }
            )
        }
        return configuration
    }

    private static func crowdClient(json client: SetupConfiguration.CrowdClient, redact: Bool) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("name", .string(client.name)),
            ("directories", .array(client.directories.map(JSONValue.string))),
            ("allowedAddresses", .array(client.allowedAddresses.map(JSONValue.string))),
            ("enabled", .bool(client.enabled)),
        ]
        if !redact, let hash = client.passwordHash { members.append(("passwordHash", .string(hash))) }
        return .object(JSONObject(members))
    }

    private static func app(json app: SetupConfiguration.App, redact: Bool) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("name", .string(app.name)),
            ("provider", .string(app.provider.rawValue)),
            ("directory", .string(app.directory)),
            ("enabled", .bool(app.enabled)),
            ("baseURL", app.baseURL.map(JSONValue.string) ?? .null),
            (
                "rateLimit",
                app.rateLimit.map { .object(JSONObject([("perSecond", .integer($0.perSecond)), ("burst", .integer($0.burst))])) } ?? .null
            ),
        ]
        if !redact, let tokens = app.tokens {
            members.append(
                (
                    "tokens",
                    .array(
                        tokens.map { token in
                            .object(
                                JSONObject([
                                    ("sha256", .string(token.sha256)),
                                    ("hint", .string(token.hint)),
                                    ("createdAt", .string(token.createdAt)),
                                    ("expiresAt", token.expiresAt.map(JSONValue.string) ?? .null),
                                ])
                            )
                        }
                    )
                )
            )
        }
        members += RulesDocument.json(app.rules).objectValue?.members ?? []
        return .object(JSONObject(members))
    }
}
