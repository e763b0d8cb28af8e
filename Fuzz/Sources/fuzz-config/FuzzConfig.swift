import ConfigDocument
import FuzzSupport

/// The configuration document `scimsync import` reads: every input is accepted or refused with
/// problems, and what is accepted must read back the same after it is written out again.
@main
enum FuzzConfig {
    static func main() {
        FuzzDriver.run { data, count in testOneInput(FuzzInput(data, count)) }
    }
}

private func testOneInput(_ input: FuzzInput) -> CInt {
    guard let configuration = try? ConfigDocument.parse(Array(input.bytes)) else { return 0 }
    let written = ConfigDocument.serialize(configuration)
    do {
        let reread = try ConfigDocument.parse(Array(written.utf8))
        guard reread == configuration else { input.fail("the exported document reads back differently:\n\(written)") }
    } catch {
        input.fail("the exported document is refused (\(error)):\n\(written)")
    }
    return 0
}
