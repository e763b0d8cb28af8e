import SCIM
import Testing

@Suite struct TrimmingSpacesTests {
    @Test(arguments: [
        ("  token  ", "token"), ("token", "token"), ("", ""), ("    ", ""),
        (" é ü ", "é ü"), ("\tkeep tabs\t", "\tkeep tabs\t"), (" 👩‍💻", "👩‍💻"),
    ])
    func trimsOnlyLeadingAndTrailingSpaces(input: String, expected: String) {
        #expect(input.trimmingSpaces == expected)
    }
}
