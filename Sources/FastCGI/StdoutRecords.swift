#if canImport(Glibc)
import Glibc
#endif

/// `FCGI_STDOUT` records (FastCGI 1.0 §3.3, §5.3) written straight to the web server's
/// connection, for an answer larger than libfcgi's 8 KB output buffer: libfcgi copies such an
/// answer into that buffer and writes it 8 KB at a time (a page of a hundred users took thirteen
/// writes); here it goes out in records of up to 64 KB, in one `sendmsg`, from where it lies.
/// libfcgi still writes the stream's end and `FCGI_END_REQUEST` when the request finishes.
enum StdoutRecords {
    /// The most content a record holds that keeps the next one 8-byte aligned (§3.3 advises it).
    static let largestContent = 65_528
    /// Bytes of a record header.
    static let headerLength = 8
    private static let stdoutType: UInt8 = 6

    /// The header of a record of `contentLength` bytes (at most ``largestContent``) of request `requestID`.
    static func header(requestID: Int, contentLength: Int) -> [UInt8] {
        [
            1, stdoutType, UInt8(truncatingIfNeeded: requestID >> 8), UInt8(truncatingIfNeeded: requestID),
            UInt8(truncatingIfNeeded: contentLength >> 8), UInt8(truncatingIfNeeded: contentLength), 0, 0,
        ]
    }

    /// The lengths of the records that carry `count` bytes.
    static func contentLengths(of count: Int) -> [Int] {
        stride(from: 0, to: count, by: largestContent).map { min(largestContent, count - $0) }
    }

    /// How many records carry `count` bytes: `contentLengths(of:).count`, without building them.
    static func recordCount(of count: Int) -> Int {
        (count + largestContent - 1) / largestContent
    }

    /// Records at most in one answer: `sendmsg` takes 1,024 pieces (a frame and its content each).
    static let mostRecords = 500

    /// Whether an answer of `head` and `body` goes out here: past libfcgi's buffer, within ``mostRecords``.
    static func suit(head: Int, body: Int) -> Bool {
        head + body > 8 * 1024 && head <= largestContent && recordCount(of: body) < mostRecords
    }

    /// Sends `head` (the CGI header block) in a record of its own, then `body` in as few as hold
    /// it; whether all of it was sent (false once the web server closed the connection: the
    /// request then ends as any other whose client left).
    @discardableResult
    static func send(_ head: [UInt8], _ body: [UInt8], requestID: Int, to socket: Int32) -> Bool {
        let lengths = [head.count] + contentLengths(of: body.count)
        let frames = lengths.flatMap { header(requestID: requestID, contentLength: $0) }
        return frames.withUnsafeBytes { frames in
            head.withUnsafeBytes { head in
                body.withUnsafeBytes { body in
                    var vector: [iovec] = []
                    vector.reserveCapacity(2 * lengths.count)
                    var offset = 0
                    for (index, length) in lengths.enumerated() {
                        vector.append(piece(frames.baseAddress! + index * headerLength, headerLength))
                        if index == 0 {
                            vector.append(piece(head.baseAddress!, length))
                        } else {
                            vector.append(piece(body.baseAddress! + offset, length))
                            offset += length
                        }
                    }
                    return sendAll(&vector, to: socket)
                }
            }
        }
    }

    private static func piece(_ start: UnsafeRawPointer, _ length: Int) -> iovec {
        iovec(iov_base: UnsafeMutableRawPointer(mutating: start), iov_len: length)
    }

    /// `sendmsg` until every byte is out; `MSG_NOSIGNAL`: a closed connection is an error, not a SIGPIPE.
    private static func sendAll(_ vector: inout [iovec], to socket: Int32) -> Bool {
        var first = 0
        while first < vector.count {
            let sent = vector.withUnsafeMutableBufferPointer { pieces -> Int in
                var message = msghdr()
                message.msg_iov = pieces.baseAddress! + first
                message.msg_iovlen = pieces.count - first
                return sendmsg(socket, &message, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 {
                if errno == EINTR { continue }
                return false
            }
            var left = sent
            while first < vector.count, left >= vector[first].iov_len {
                left -= vector[first].iov_len
                first += 1
            }
            if left > 0 {
                vector[first].iov_base += left
                vector[first].iov_len -= left
            }
        }
        return true
    }
}
