import CPCRE2

/// Match calls of one pattern over one subject, with the match data and limits they share.
struct Matcher: ~Copyable {
    let pattern: RegexPattern
    /// The name's UTF-8 bytes.
    let subject: UnsafeBufferPointer<UInt8>
    private let data: OpaquePointer
    private let context: OpaquePointer

    init(pattern: RegexPattern, subject: UnsafeBufferPointer<UInt8>) throws(RegexMatchError) {
        guard let data = pcre2_match_data_create_from_pattern_8(pattern.code, nil) else { throw .failed("out of memory") }
        guard let context = pcre2_match_context_create_8(nil) else {
            pcre2_match_data_free_8(data)
            throw .failed("out of memory")
        }
        // PCRE2 counts the match limit per start position: spread the name's steps over its positions.
        let positions = UInt32(clamping: subject.count + 1)
        pcre2_set_match_limit_8(context, max(1, RegexLimit.matchSteps / positions))
        pcre2_set_depth_limit_8(context, RegexLimit.depthFrames)
        pcre2_set_heap_limit_8(context, RegexLimit.heapKiB)
        self.pattern = pattern
        self.subject = subject
        self.data = data
        self.context = context
    }

    deinit {
        pcre2_match_context_free_8(context)
        pcre2_match_data_free_8(data)
    }

    /// Searches from byte `start` (a character boundary); true when it found a match.
    mutating func next(from start: Int) throws(RegexMatchError) -> Bool {
        // Swift strings are valid UTF-8, so PCRE2 need not check the subject at every call.
        var result = call(start, PCRE2_NO_UTF_CHECK)
        if result == PCRE2_ERROR_JIT_STACKLIMIT {
            // The JIT's 32 KiB stack is not a limit of ours: the interpreter retries under the depth and heap limits.
            result = call(start, PCRE2_NO_UTF_CHECK | PCRE2_NO_JIT)
        }
        switch result {
        case PCRE2_ERROR_NOMATCH: return false
        case PCRE2_ERROR_MATCHLIMIT: throw .limit(.match)
        case PCRE2_ERROR_DEPTHLIMIT: throw .limit(.depth)
        case PCRE2_ERROR_HEAPLIMIT: throw .limit(.heap)
        case ..<0: throw .failed(RegexPattern.message(result))
        default: return true
        }
    }

    /// The bytes group `number` matched in the last match (0: the whole match), nil when it took no part.
    func range(ofGroup number: Int) -> Range<Int>? {
        guard number < Int(pcre2_get_ovector_count_8(data)), let ovector = pcre2_get_ovector_pointer_8(data) else { return nil }
        let start = ovector[2 * number]
        let end = ovector[2 * number + 1]
        guard start != scimsync_pcre2_unset(), start <= end else { return nil }
        return start..<end
    }

    private func call(_ start: Int, _ options: UInt32) -> Int32 {
        pcre2_match_8(pattern.code, subject.baseAddress, subject.count, start, options, data, context)
    }
}
