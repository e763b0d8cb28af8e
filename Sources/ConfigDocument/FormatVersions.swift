import Foundation
import SCIM
import SyncRules

/// Brings a document of any known format version to the current one.
///
/// Version 1 kept each app's rules in one `rules` object; version 2 puts `userSync` and
/// `groupSync` beside the app's other keys.
enum FormatVersions {
    /// The version a document was written in, for naming problems in its own terms.
    static func version(of value: JSONValue) -> Int {
        guard let number = value.objectValue?["version"]?.numberValue, number >= 1, number < 1e9 else { return ConfigDocument.version }
        return Int(number)
    }

    /// A problem's path in the document as written: version 1 kept the rules under `rules`.
    static func pathInOriginal(_ path: String, version: Int) -> String {
        guard version == 1 else { return path }
        return path.replacingOccurrences(of: #"^(/apps/\d+)/(userSync|groupSync)"#, with: "$1/rules/$2", options: .regularExpression)
    }

    static func current(_ value: JSONValue) throws(RuleProblems) -> JSONValue {
        guard var document = value.objectValue else { throw problem("", "expected an object") }
        guard document["format"]?.stringValue == ConfigDocument.format else {
            throw problem("/format", "expected \"\(ConfigDocument.format)\" (this is not a ScimSync configuration export)")
        }
        guard let number = document["version"]?.numberValue, number == number.rounded(), number >= 1, number < 1e9 else {
            throw problem("/version", "expected a whole number of at least 1")
        }
        let version = Int(number)
        guard version <= ConfigDocument.version else {
            throw problem(
                "/version",
                "the document is format version \(version); this ScimSync reads versions up to \(ConfigDocument.version): upgrade ScimSync first"
            )
        }
        if version == 1 {
            document = try migrateFrom1(document)
        }
        return .object(document)
    }

    private static func migrateFrom1(_ document: JSONObject) throws(RuleProblems) -> JSONObject {
        var result = document
        result.setFirst("version", .integer(2))
        guard let apps = document["apps"]?.arrayValue else { return result }
        var problems: [RuleProblem] = []
        result.setFirst(
            "apps",
            .array(
                apps.enumerated().map { index, app in
                    guard var object = app.objectValue, let value = object["rules"], !value.isNull else { return app }
                    let path = "/apps/\(index)/rules"
                    guard let rules = value.objectValue else {
                        problems.append(RuleProblem(path: path, message: "expected an object"))
                        return app
                    }
                    for key in rules.keys where !RulesDocument.keys.contains(key) {
                        problems.append(
                            RuleProblem(
                                path: path + "/" + JSONReader.escape(key),
                                message: "unknown key (expected one of: \(RulesDocument.keys.joined(separator: ", ")))"
                            )
                        )
                    }
                    object.removeAll(named: ["rules"])
                    return .object(JSONObject(object.members + rules.members))
                }
            )
        )
        guard problems.isEmpty else { throw RuleProblems(problems) }
        return result
    }

    private static func problem(_ path: String, _ message: String) -> RuleProblems {
        RuleProblems([RuleProblem(path: path, message: message)])
    }
}
