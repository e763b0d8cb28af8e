extension RegexPattern {
    /// `subject` with every match replaced by `template`, as ICU's replace-all does it: matches
    /// are found left to right, and after an empty match the search resumes one character later.
    ///
    /// Substitutes from the ovector itself rather than through `pcre2_substitute`: the template
    /// keeps ICU's conventions (any character after `\` is literal; `$` takes all the digits that
    /// follow), which PCRE2's own template syntax spells otherwise, it is parsed once per rules
    /// version instead of at every call, and no output buffer has to be guessed and retried.
    public func replacingMatches(in subject: String, with template: ReplacementTemplate) throws(RegexMatchError) -> String {
        try withMatcher(subject) { (matcher: inout Matcher) throws(RegexMatchError) in
            let bytes = matcher.subject
            var output: [UInt8] = []
            var copied = 0
            var start = 0
            while start <= bytes.count, try matcher.next(from: start), let match = matcher.range(ofGroup: 0) {
                output += bytes[copied..<match.lowerBound]
                for part in template.parts {
                    switch part {
                    case .text(let text): output += text
                    case .group(let number): if let range = matcher.range(ofGroup: number) { output += bytes[range] }
                    }
                }
                copied = match.upperBound
                start = match.isEmpty ? Self.nextCharacter(after: match.upperBound, in: bytes) : match.upperBound
            }
            output += bytes[copied...]
            return String(decoding: output, as: UTF8.self)
        }
    }

    /// The byte offset of the character after the one at `offset` (past the end at the end).
    private static func nextCharacter(after offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var next = offset + 1
        while next < bytes.count, bytes[next] & 0xC0 == 0x80 { next += 1 }
        return next
    }
}
