import Foundation
import SCIM

/// Reads a JSON document field by field, collecting a ``RuleProblem`` (with its JSON Pointer)
/// for each wrongly typed, unknown or invalid value instead of stopping at the first, so that a
/// refused document lists everything wrong with it at once.
public final class JSONReader {
    public init() {}

    public private(set) var problems: [RuleProblem] = []

    public func problem(_ path: String, _ message: String) {
        problems.append(RuleProblem(path: path, message: message))
    }

    /// The object at `path`, or nil (with a problem) when `value` is not one. Unknown keys are problems.
    public func object(_ value: JSONValue, at path: String, keys: [String]) -> JSONObject? {
        guard let object = value.objectValue else {
            problem(path, "expected an object")
            return nil
        }
        var seen: Set<String> = []
        for key in object.keys {
            if !keys.contains(key) {
                problem(path + "/" + Self.escape(key), "unknown key (expected one of: \(keys.joined(separator: ", ")))")
            } else if !seen.insert(key).inserted {
                problem(path + "/" + Self.escape(key), "the key appears twice")
            }
        }
        return object
    }

    public func bool(_ object: JSONObject, _ key: String, at path: String, default fallback: Bool) -> Bool {
        guard let value = present(object, key) else { return fallback }
        guard let flag = value.boolValue else {
            problem(path + "/" + key, "expected true or false")
            return fallback
        }
        return flag
    }

    public func string(_ value: JSONValue, at path: String) -> String? {
        guard let text = value.stringValue else {
            problem(path, "expected a string")
            return nil
        }
        return text
    }

    /// A string naming something: not empty, at most 200 characters.
    public func name(_ value: JSONValue, at path: String) -> String? {
        guard let text = string(value, at: path) else { return nil }
        do {
            return try DirectoryName.validated(text)
        } catch {
            problem(path, error.description)
            return nil
        }
    }

    public func choice<T: RawRepresentable & CaseIterable>(
        _ object: JSONObject,
        _ key: String,
        at path: String,
        default fallback: T
    ) -> T where T.RawValue == String {
        guard let value = present(object, key) else { return fallback }
        let allowed = T.allCases.map(\.rawValue)
        guard let text = value.stringValue, let choice = T(rawValue: text) else {
            problem(path + "/" + key, "expected one of: \(allowed.map { "\"\($0)\"" }.joined(separator: ", "))")
            return fallback
        }
        return choice
    }

    public func array(_ object: JSONObject, _ key: String, at path: String) -> [(path: String, value: JSONValue)] {
        guard let value = present(object, key) else { return [] }
        guard let elements = value.arrayValue else {
            problem(path + "/" + key, "expected an array")
            return []
        }
        return elements.enumerated().map { (path + "/" + key + "/\($0.offset)", $0.element) }
    }

    /// Names in an array, each checked, with duplicates (ignoring case) reported.
    public func names(_ object: JSONObject, _ key: String, at path: String) -> [String] {
        var seen: Set<String> = []
        return array(object, key, at: path).compactMap { element in
            guard let name = name(element.value, at: element.path) else { return nil }
            guard seen.insert(name.nameKey).inserted else {
                problem(element.path, "'\(name)' is listed twice")
                return nil
            }
            return name
        }
    }

    /// A key's value, treating `null` as absent.
    public func present(_ object: JSONObject, _ key: String) -> JSONValue? {
        guard let value = object[key], !value.isNull else { return nil }
        return value
    }

    /// JSON Pointer escaping (RFC 6901).
    public static func escape(_ key: String) -> String {
        key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}
