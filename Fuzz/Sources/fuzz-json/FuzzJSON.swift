import FuzzSupport
import SCIM

/// The JSON parser must refuse or accept every input without crashing, and what it accepts must
/// come back unchanged through the writer (compact and pretty) and the parser again.
@main
enum FuzzJSON {
    static func main() {
        FuzzDriver.run { data, count in testOneInput(FuzzInput(data, count)) }
    }
}

private func testOneInput(_ input: FuzzInput) -> CInt {
    guard let value = try? JSONParser.parse(Array(input.bytes)) else { return 0 }
    let written = JSONWriter.serialize(value)
    roundTrip(written, value, "compact", input)
    roundTrip(Array(JSONWriter.pretty(value).utf8), value, "pretty", input)
    guard JSONWriter.serialize(try! JSONParser.parse(written)) == written else { input.fail("writing is not stable") }
    return 0
}

private func roundTrip(_ written: [UInt8], _ value: JSONValue, _ form: String, _ input: FuzzInput) {
    do {
        let reread = try JSONParser.parse(written)
        guard reread == value else { input.fail("the \(form) form reads back as another value: \(String(decoding: written, as: UTF8.self))") }
    } catch {
        input.fail("the \(form) form does not parse (\(error)): \(String(decoding: written, as: UTF8.self))")
    }
}
