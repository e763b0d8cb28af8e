import Foundation
import Testing

@testable import DirectoryStore

/// Server-assigned ids are random version 4 UUIDs, written the way Foundation writes them.
@Suite struct UUIDv4Tests {
    @Test func isAVersion4UUIDInLowercase() throws {
        for _ in 0..<1_000 {
            let id = UUIDv4.make()
            let parsed = try #require(UUID(uuidString: id))
            #expect(parsed.uuidString.lowercased() == id)
            #expect(Array(id)[14] == "4", "version 4")
            #expect("89ab".contains(Array(id)[19]), "RFC 9562 variant")
        }
    }

    @Test func idsDoNotRepeat() {
        let ids = Set((0..<10_000).map { _ in UUIDv4.make() })
        #expect(ids.count == 10_000)
    }
}
