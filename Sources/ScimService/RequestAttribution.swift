/// The app a request is counted and logged for: the app it authenticated as, or, when its token
/// was refused, the existing app its URL names (a request naming no app is nobody's, so no
/// client can add apps to the counts).
struct RequestAttribution {
    var id: Int64
    var name: String
    var authenticated: Bool
}
