/// An element of a small XML document: name, child elements, and its own text.
struct SmallXMLElement: Equatable {
    var name: String
    var children: [SmallXMLElement] = []
    var text = ""

    func child(_ name: String) -> SmallXMLElement? {
        children.first { $0.name == name }
    }
}

/// A parser for the XML bodies Crowd clients send (search restrictions): elements, attributes
/// (skipped), text, CDATA, comments, the five named entities and character references. A DOCTYPE
/// is refused, so no entity can expand; depth and element count are limited.
struct SmallXMLParser {
    static let maxDepth = 32
    static let maxElements = 2_000

    struct Failure: Error, Equatable {
        var message: String
    }

    private let bytes: [UInt8]
    private var position = 0
    private var elements = 0

    static func parse(_ bytes: [UInt8]) throws(Failure) -> SmallXMLElement {
        var parser = SmallXMLParser(bytes: bytes)
        try parser.skipProlog()
        let root = try parser.element(depth: 1)
        try parser.skipMisc()
        guard parser.position == bytes.count else { throw parser.fail("content after the root element") }
        return root
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private func fail(_ message: String) -> Failure {
        Failure(message: "invalid XML at byte \(position): \(message)")
    }

    private func starts(_ text: String) -> Bool {
        let pattern = Array(text.utf8)
        return bytes.count - position >= pattern.count && Array(bytes[position..<position + pattern.count]) == pattern
    }

    private mutating func skip(past terminator: String) throws(Failure) {
        while position < bytes.count, !starts(terminator) { position += 1 }
        guard position < bytes.count else { throw fail("unterminated \(terminator)") }
        position += terminator.utf8.count
    }

    private mutating func skipSpace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    private mutating func skipProlog() throws(Failure) {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        skipSpace()
        if starts("<?xml") { try skip(past: "?>") }
        try skipMisc()
    }

    private mutating func skipMisc() throws(Failure) {
        while true {
            skipSpace()
            if starts("<!--") {
                try skip(past: "-->")
            } else if starts("<?") {
                try skip(past: "?>")
            } else if starts("<!DOCTYPE") || starts("<!ENTITY") {
                throw fail("a DOCTYPE is not accepted")
            } else {
                return
            }
        }
    }

    private mutating func name() throws(Failure) -> String {
        let start = position
        while position < bytes.count, !" \t\r\n/>=".utf8.contains(bytes[position]) { position += 1 }
        guard position > start, position - start <= 256 else { throw fail("an element name was expected") }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private mutating func element(depth: Int) throws(Failure) -> SmallXMLElement {
        guard depth <= Self.maxDepth else { throw fail("elements nested deeper than \(Self.maxDepth) (limit crowdXMLDepth)") }
        elements += 1
        guard elements <= Self.maxElements else { throw fail("more than \(Self.maxElements) elements (limit crowdXMLElements)") }
        guard position < bytes.count, bytes[position] == UInt8(ascii: "<") else { throw fail("an element was expected") }
        position += 1
        var element = SmallXMLElement(name: try name())
        try skipAttributes()
        if starts("/>") {
            position += 2
            return element
        }
        position += 1
        while true {
            guard position < bytes.count else { throw fail("<\(element.name)> is not closed") }
            if starts("</") {
                position += 2
                guard try name() == element.name else { throw fail("</\(element.name)> was expected") }
                skipSpace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ">") else { throw fail("'>' was expected") }
                position += 1
                return element
            } else if starts("<!--") {
                try skip(past: "-->")
            } else if starts("<![CDATA[") {
                position += 9
                let start = position
                try skip(past: "]]>")
                element.text += String(decoding: bytes[start..<position - 3], as: UTF8.self)
            } else if starts("<?") {
                try skip(past: "?>")
            } else if starts("<!") {
                throw fail("a declaration is not accepted inside an element")
            } else if bytes[position] == UInt8(ascii: "<") {
                element.children.append(try self.element(depth: depth + 1))
            } else {
                element.text += try text()
            }
        }
    }

    private mutating func skipAttributes() throws(Failure) {
        while true {
            skipSpace()
            guard position < bytes.count else { throw fail("unterminated tag") }
            if bytes[position] == UInt8(ascii: ">") || starts("/>") { return }
            _ = try name()
            skipSpace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "=") else { throw fail("'=' was expected") }
            position += 1
            skipSpace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "'") else {
                throw fail("a quoted attribute value was expected")
            }
            let quote = bytes[position]
            position += 1
            while position < bytes.count, bytes[position] != quote { position += 1 }
            guard position < bytes.count else { throw fail("unterminated attribute value") }
            position += 1
        }
    }

    private mutating func text() throws(Failure) -> String {
        var scalars = String.UnicodeScalarView()
        let start = position
        var run = start
        func flush(_ end: Int) { scalars += String(decoding: bytes[run..<end], as: UTF8.self).unicodeScalars }
        while position < bytes.count, bytes[position] != UInt8(ascii: "<") {
            guard bytes[position] == UInt8(ascii: "&") else {
                position += 1
                continue
            }
            flush(position)
            scalars.append(try reference())
            run = position
        }
        flush(position)
        return String(scalars)
    }

    private mutating func reference() throws(Failure) -> Unicode.Scalar {
        let start = position
        while position < bytes.count, bytes[position] != UInt8(ascii: ";"), position - start < 12 { position += 1 }
        guard position < bytes.count, bytes[position] == UInt8(ascii: ";") else { throw fail("an unterminated entity reference") }
        let name = String(decoding: bytes[start + 1..<position], as: UTF8.self)
        position += 1
        let named: [String: Unicode.Scalar] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'"]
        if let scalar = named[name] { return scalar }
        let value: UInt32?
        if name.hasPrefix("#x") {
            value = UInt32(name.dropFirst(2), radix: 16)
        } else if name.hasPrefix("#") {
            value = UInt32(name.dropFirst(), radix: 10)
        } else {
            value = nil
        }
        guard let value, let scalar = Unicode.Scalar(value), value != 0 else { throw fail("unknown entity '&\(name);'") }
        return scalar
    }
}
