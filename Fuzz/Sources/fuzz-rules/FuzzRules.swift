import FuzzSupport
import SCIM
import SyncRules

/// The rules document (`scimsync rules set --file`, stored rules): every input is accepted or
/// refused with problems, and accepted rules must read back the same from their JSON form.
@main
enum FuzzRules {
    static func main() {
        FuzzDriver.run { data, count in testOneInput(FuzzInput(data, count)) }
    }
}

private func testOneInput(_ input: FuzzInput) -> CInt {
    guard let text = input.text, let rules = try? RulesDocument.parse(text) else { return 0 }
    let written = JSONWriter.string(RulesDocument.json(rules))
    do {
        guard try RulesDocument.parse(written) == rules else { input.fail("the stored form reads back differently: \(written)") }
    } catch {
        input.fail("the stored form is refused (\(error)): \(written)")
    }
    return 0
}
