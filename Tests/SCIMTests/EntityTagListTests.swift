import SCIM
import Testing

/// One reading of `If-Match` and `If-None-Match` for the store and the service.
@Suite struct EntityTagListTests {
    @Test func matchesWeaklyAmongSeveralTags() {
        let list = EntityTagList(" W/\"2\" ,\t\"3\"")
        #expect(list.matches(#"W/"2""#) && list.matches(#"W/"3""#))
        #expect(!list.matches(#"W/"4""#))
    }

    @Test func aStarMatchesEveryVersion() {
        #expect(EntityTagList("*").matches(#"W/"9""#))
        #expect(EntityTagList(#""1", *"#).matches(#"W/"9""#))
    }

    @Test func anEmptyOrUnquotedListMatchesNothing() {
        #expect(!EntityTagList("").matches(#"W/"1""#))
        #expect(!EntityTagList("1").matches(#"W/"1""#))
    }
}
