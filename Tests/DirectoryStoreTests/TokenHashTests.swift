import Testing

@testable import DirectoryStore

@Suite struct TokenHashTests {
    @Test func theStoredFormIsLowercaseHexSHA256() {
        #expect(TokenSecret.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(TokenSecret.hash("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    /// The cache of the last token never answers another token with its hash, whatever their lengths.
    @Test func theCacheAnswersEachTokenWithItsOwnHash() {
        let cache = TokenHashCache()
        let tokens = ["scs_first", "scs_first", "scs_firsT", "scs_firs", "scs_first", "", "scs_other", "scs_first"]
        for token in tokens {
            #expect(cache.hash(of: token) == TokenSecret.hash(token), "\(token)")
        }
    }
}
