import Foundation

/// The fields of a `multipart/form-data` body (RFC 7578), for the configuration upload: each
/// part's name and its bytes, decoded as UTF-8 text (a configuration document is JSON).
enum MultipartForm {
    /// The boundary a `Content-Type: multipart/form-data; boundary=…` names, or nil.
    static func boundary(of contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            let value = pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"") && pair[1].count >= 2 ? String(pair[1].dropFirst().dropLast()) : pair[1]
            return (1...70).contains(value.utf8.count) ? value : nil
        }
        return nil
    }

    /// The form's fields; a body that is not multipart as its boundary says is refused.
    static func parse(_ body: [UInt8], boundary: String) throws(ConsoleError) -> FormData {
        let delimiter = Array("--\(boundary)".utf8)
        let refused = ConsoleError.badRequest("The uploaded form is not well-formed multipart/form-data.")
        var fields: [(name: String, value: String)] = []
        guard var start = find(delimiter, in: body, from: 0) else { throw refused }
        start += delimiter.count
        while true {
            // After a delimiter: "--" ends the body, CRLF starts a part.
            if body[start...].starts(with: Array("--".utf8)) { break }
            guard body[start...].starts(with: crlf) else { throw refused }
            let headersStart = start + 2
            guard let headersEnd = find(crlf + crlf, in: body, from: headersStart),
                let next = find(crlf + delimiter, in: body, from: headersEnd + 4)
            else { throw refused }
            guard fields.count < FormData.maxFields else {
                throw ConsoleError.badRequest("The form has more than \(FormData.maxFields) fields (limit formMaxFields = \(FormData.maxFields)).")
            }
            let headers = String(decoding: body[headersStart..<headersEnd], as: UTF8.self)
            guard let name = fieldName(headers), let value = String(validating: body[(headersEnd + 4)..<next], as: UTF8.self) else {
                throw ConsoleError.badRequest("An uploaded field has no name or is not UTF-8 text.")
            }
            fields.append((name, value))
            start = next + 2 + delimiter.count
        }
        return FormData(fields: fields)
    }

    private static let crlf = Array("\r\n".utf8)

    /// `name="…"` of the part's `Content-Disposition: form-data` header.
    private static func fieldName(_ headers: String) -> String? {
        for line in headers.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
            guard let range = line.range(of: "name=\"") else { return nil }
            let rest = line[range.upperBound...]
            return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        var index = start
        while index + needle.count <= haystack.count {
            if haystack[index] == needle[0], haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
