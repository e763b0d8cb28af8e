import ConfigDocument
import DirectoryOperations
import DirectoryStore
import FuzzSupport

/// The configuration document `scimsync import` reads: every input is accepted or refused with
/// problems; what is accepted must read back the same after it is written out again, and import
/// into the seeded store as a dry run in both modes, or be refused with a `StoreError`.
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
    for mode in DirectoryStore.ImportMode.allCases {
        do {
            _ = try SeededStore.shared.store.importConfiguration(configuration, mode: mode, dryRun: true, by: SeededStore.actor)
        } catch is StoreError {
            continue
        } catch {
            input.fail("a dry-run import (\(mode)) threw \(type(of: error)): \(error)")
        }
    }
    return 0
}
