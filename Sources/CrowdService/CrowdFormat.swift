/// JSON or XML: Crowd answers in the type the request's `Accept` prefers (XML when it names
/// neither, as Crowd does), and reads a body by its `Content-Type`.
enum CrowdFormat: Sendable, Equatable {
    case json, xml

    static func answering(accept: String?) -> CrowdFormat {
        guard let accept = accept?.lowercased() else { return .xml }
        let json = accept.range(of: "application/json")?.lowerBound
        let xml = accept.range(of: "application/xml")?.lowerBound ?? accept.range(of: "text/xml")?.lowerBound
        switch (json, xml) {
        case (let j?, let x?): return j < x ? .json : .xml
        case (.some, nil): return .json
        default: return .xml
        }
    }

    /// Nil: neither JSON nor XML.
    static func reading(contentType: String?) -> CrowdFormat? {
        guard let type = contentType?.lowercased() else { return nil }
        if type.hasPrefix("application/json") { return .json }
        if type.hasPrefix("application/xml") || type.hasPrefix("text/xml") { return .xml }
        return nil
    }

    var contentType: String {
        self == .json ? "application/json" : "application/xml"
    }
}
