import AppTraffic
import Foundation
import SCIM
import SyncRules

/// Reads a current-version document into a ``SetupConfiguration``, checking what a schema cannot:
/// names unique ignoring case, apps' directories listed, token hashes unique, regular
/// expressions that compile.
struct ConfigReader {
    let reader: JSONReader

    init(_ reader: JSONReader) {
        self.reader = reader
    }

    func read(_ value: JSONValue) -> SetupConfiguration {
        guard let document = reader.object(value, at: "", keys: ["format", "version", "settings", "directories", "apps", "crowdClients"]) else {
            return SetupConfiguration()
        }
        var configuration = SetupConfiguration(settings: nil)
        if let settings = reader.present(document, "settings") {
            configuration.settings = readSettings(settings)
        }
        configuration.directories = readDirectories(document)
        configuration.apps = readApps(document, directories: Set(configuration.directories.map(\.nameKey)))
        configuration.crowdClients = readCrowdClients(document, directories: Set(configuration.directories.map(\.nameKey)))
        return configuration
    }

    /// Crowd clients: names unique ignoring case, directories listed in /directories, at least
    /// one each; address ranges and the hash are checked when imported.
    private func readCrowdClients(_ document: JSONObject, directories: Set<String>) -> [SetupConfiguration.CrowdClient] {
        var names: Set<String> = []
        return reader.array(document, "crowdClients", at: "").compactMap { element in
            let path = element.path
            guard
                let object = reader.object(
                    element.value,
                    at: path,
                    keys: ["name", "directories", "allowedAddresses", "enabled", "passwordHash"]
                )
            else { return nil }
            let name = required(object, "name", at: path).flatMap { reader.name($0, at: path + "/name") }
            if let name, !names.insert(name.nameKey).inserted {
                reader.problem(path + "/name", "client '\(name)' is listed twice (names are unique ignoring case)")
            }
            let clientDirectories = reader.array(object, "directories", at: path).compactMap { item -> String? in
                guard let directory = reader.name(item.value, at: item.path) else { return nil }
                if !directories.contains(directory.nameKey) { reader.problem(item.path, "directory '\(directory)' is not in /directories") }
                return directory
            }
            if clientDirectories.isEmpty { reader.problem(path + "/directories", "a client needs at least one directory") }
            let addresses = reader.array(object, "allowedAddresses", at: path).compactMap { reader.string($0.value, at: $0.path) }
            let enabled = reader.bool(object, "enabled", at: path, default: true)
            let hash = reader.present(object, "passwordHash").flatMap { reader.string($0, at: path + "/passwordHash") }
            if let hash, !hash.hasPrefix("pbkdf2-sha256$") {
                reader.problem(path + "/passwordHash", "expected a ScimSync password hash (pbkdf2-sha256$…)")
            }
            guard let name else { return nil }
            return SetupConfiguration.CrowdClient(
                name: name,
                directories: clientDirectories,
                allowedAddresses: addresses,
                enabled: enabled,
                passwordHash: hash
            )
        }
    }

    private func readSettings(_ value: JSONValue) -> SetupConfiguration.Settings {
        guard let object = reader.object(value, at: "/settings", keys: ["auditRetentionDays"]) else { return .init() }
        guard let days = reader.present(object, "auditRetentionDays") else { return .init() }
        guard let number = days.numberValue, number == number.rounded(), number >= 1, number <= 36_500 else {
            reader.problem("/settings/auditRetentionDays", "expected a whole number of days from 1 to 36500, or null")
            return .init()
        }
        return .init(auditRetentionDays: Int(number))
    }

    private func readDirectories(_ document: JSONObject) -> [String] {
        var seen: Set<String> = []
        return reader.array(document, "directories", at: "").compactMap { element in
            guard let object = reader.object(element.value, at: element.path, keys: ["name"]) else { return nil }
            guard let value = object["name"] else {
                reader.problem(element.path + "/name", "is required")
                return nil
            }
            guard let name = reader.name(value, at: element.path + "/name") else { return nil }
            guard seen.insert(name.nameKey).inserted else {
                reader.problem(element.path + "/name", "directory '\(name)' is listed twice (names are unique ignoring case)")
                return nil
            }
            return name
        }
    }

    private func readApps(_ document: JSONObject, directories: Set<String>) -> [SetupConfiguration.App] {
        var names: Set<String> = []
        var hashes: Set<String> = []
        return reader.array(document, "apps", at: "").compactMap { element in
            let path = element.path
            guard
                let object = reader.object(
                    element.value,
                    at: path,
                    keys: ["name", "provider", "directory", "enabled", "baseURL", "rateLimit", "tokens"] + RulesDocument.keys
                )
            else { return nil }
            let name = required(object, "name", at: path).flatMap { appName($0, at: path + "/name") }
            if let name, !names.insert(name.nameKey).inserted {
                reader.problem(path + "/name", "app '\(name)' is listed twice (names are unique ignoring case)")
            }
            let provider: ProviderProfile? = required(object, "provider", at: path).flatMap { value in
                guard let provider = value.stringValue.flatMap(ProviderProfile.init(rawValue:)) else {
                    reader.problem(path + "/provider", "expected one of: \(ProviderProfile.allCases.map(\.rawValue).joined(separator: ", "))")
                    return nil
                }
                return provider
            }
            let directory = required(object, "directory", at: path).flatMap { reader.name($0, at: path + "/directory") }
            if let directory, !directories.contains(directory.nameKey) {
                reader.problem(path + "/directory", "directory '\(directory)' is not in /directories")
            }
            let enabled = reader.bool(object, "enabled", at: path, default: true)
            let baseURL = readBaseURL(object, at: path)
            let rateLimit = readRateLimit(object, at: path)
            let tokens = reader.present(object, "tokens").map { _ in readTokens(object, at: path, hashes: &hashes) }
            let rules = RulesDocument.read(object, at: path, reader)
            guard let name, let provider, let directory else { return nil }
            return SetupConfiguration.App(
                name: name,
                provider: provider,
                directory: directory,
                enabled: enabled,
                tokens: tokens,
                rules: rules,
                baseURL: baseURL,
                rateLimit: rateLimit
            )
        }
    }

    /// `{"perSecond": N, "burst": M}`, or null for the responder's default.
    private func readRateLimit(_ app: JSONObject, at path: String) -> RateLimit? {
        guard let value = reader.present(app, "rateLimit"), !value.isNull else { return nil }
        let path = path + "/rateLimit"
        guard let object = reader.object(value, at: path, keys: ["perSecond", "burst"]) else { return nil }
        func whole(_ key: String, _ range: ClosedRange<Int>) -> Int? {
            guard let number = object[key]?.numberValue, let whole = Int(exactly: number), range.contains(whole) else {
                reader.problem(path + "/" + key, "expected a whole number from \(range.lowerBound) to \(range.upperBound)")
                return nil
            }
            return whole
        }
        let perSecond = whole("perSecond", RateLimit.perSecondRange)
        let burst = whole("burst", RateLimit.burstRange)
        guard let perSecond, let burst else { return nil }
        return RateLimit(perSecond: perSecond, burst: burst)
    }

    private func readBaseURL(_ app: JSONObject, at path: String) -> String? {
        guard let value = reader.present(app, "baseURL") else { return nil }
        guard let text = reader.string(value, at: path + "/baseURL") else { return nil }
        guard let url = PublicBaseURL.normalized(text) else {
            reader.problem(path + "/baseURL", "expected \(PublicBaseURL.expected)")
            return nil
        }
        return url
    }

    private func readTokens(_ app: JSONObject, at path: String, hashes: inout Set<String>) -> [SetupConfiguration.Token] {
        reader.array(app, "tokens", at: path).compactMap { element in
            guard let object = reader.object(element.value, at: element.path, keys: ["sha256", "hint", "createdAt", "expiresAt"]) else {
                return nil
            }
            let hash = required(object, "sha256", at: element.path).flatMap { reader.string($0, at: element.path + "/sha256") }
            if let hash {
                if hash.count != 64 || !hash.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) {
                    reader.problem(element.path + "/sha256", "expected 64 lowercase hexadecimal digits (a SHA-256)")
                } else if !hashes.insert(hash).inserted {
                    reader.problem(element.path + "/sha256", "this token is listed twice")
                }
            }
            let hint = required(object, "hint", at: element.path).flatMap { reader.string($0, at: element.path + "/hint") }
            let createdAt = required(object, "createdAt", at: element.path).flatMap { timestamp($0, at: element.path + "/createdAt") }
            let expiresAt = reader.present(object, "expiresAt").flatMap { timestamp($0, at: element.path + "/expiresAt") }
            guard let hash, let hint, let createdAt else { return nil }
            return SetupConfiguration.Token(sha256: hash, hint: hint, createdAt: createdAt, expiresAt: expiresAt)
        }
    }

    private func required(_ object: JSONObject, _ key: String, at path: String) -> JSONValue? {
        guard let value = reader.present(object, key) else {
            reader.problem(path + "/" + key, "is required")
            return nil
        }
        return value
    }

    /// App names become part of the SCIM base URL.
    private func appName(_ value: JSONValue, at path: String) -> String? {
        guard let name = reader.name(value, at: path) else { return nil }
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }) else {
            reader.problem(path, "an app name may use only letters, digits, '-', '_' and '.'")
            return nil
        }
        return name
    }

    /// Whether the fields name a real time (no month 13, no hour 25), as the formatter reads them back.
    private static func isRealTime(_ text: String) -> Bool {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = text.contains(".") ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        guard let date = formatter.date(from: text) else { return false }
        return formatter.string(from: date).prefix(19) == text.prefix(19)
    }

    /// An RFC 3339 UTC timestamp as the store writes them (`2026-11-23T17:22:11.123Z`). At most
    /// nine fractional digits: ICU's date parser dies of SIGFPE on some forty (found by the config
    /// fuzzer), which took `scimsync import` down with it.
    private func timestamp(_ value: JSONValue, at path: String) -> String? {
        guard let text = reader.string(value, at: path) else { return nil }
        // ASCII digits only (`\d` also matches other scripts' digits), at most nanoseconds.
        let pattern = #"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z$"#
        guard text.range(of: pattern, options: .regularExpression) != nil, Self.isRealTime(text) else {
            reader.problem(path, "expected an RFC 3339 UTC time such as 2026-11-23T17:22:11.123Z")
            return nil
        }
        return text
    }
}
