import SCIM

/// A new user made ready to store, before any transaction: its id, its document, and the JSON
/// the IdP view keeps. A `/Bulk` request prepares its creates before it takes the write lock, so
/// what needs no database (checking and normalising a document, writing its JSON) runs beside
/// another request's transaction instead of inside its own.
public struct PreparedUser: Sendable {
    public let id: String
    let resource: JSONObject
    let json: [UInt8]

    /// The user `build` makes from a new id.
    public init<Failure: Error>(build: (String) throws(Failure) -> JSONObject) throws(Failure) {
        id = UUIDv7.make()
        resource = try build(id)
        json = JSONWriter.serialize(.object(resource))
    }
}
