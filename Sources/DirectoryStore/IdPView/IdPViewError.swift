import SCIM

/// A request on an app's IdP view (its SCIM users and groups) that the store refuses. The store
/// says what is wrong in the directory's terms; the SCIM service decides the HTTP status and
/// `scimType` each answer carries.
public enum IdPViewError: Error, Equatable, CustomStringConvertible {
    /// No user or group of the app has this id.
    case notFound(ResourceKind, id: String)
    /// `If-Match` names another version than the stored one (`current`, as an entity tag).
    case versionMismatch(current: String)
    /// Another resource of the app holds this `userName` or `displayName` (names compare by
    /// ``Swift/String/nameKey``).
    case nameTaken(ResourceKind, name: String)
    /// A group member that is no user or group of the app, or one that would make a group
    /// contain itself, directly or through other groups.
    case invalidMember(String)
    /// A filter or sort the store cannot evaluate.
    case unsupportedFilter(String)
    /// A cursor that does not fit the request it came back with.
    case invalidCursor(String)
    /// The resource as it would be stored is `bytes` long, past ``SCIM/ScimLimit/resourceBytes``.
    case tooLarge(ResourceKind, bytes: Int)

    /// The two kinds of resource an IdP writes.
    public enum ResourceKind: String, Sendable {
        case user = "User"
        case group = "Group"

        var nameAttribute: String { self == .user ? "userName" : "displayName" }
    }

    /// A sentence for the IdP's administrator (it becomes the SCIM error's `detail`).
    public var description: String {
        switch self {
        case .notFound(let kind, let id): "\(kind.rawValue) \(id) not found."
        case .versionMismatch(let current): "The resource has changed: its version is \(current)."
        case .nameTaken(let kind, let name):
            "A \(kind.rawValue.lowercased()) with \(kind.nameAttribute) '\(name)' already exists."
        case .invalidMember(let why), .unsupportedFilter(let why), .invalidCursor(let why): why
        case .tooLarge(let kind, let bytes): "The \(kind.rawValue.lowercased()) would be \(bytes) bytes as stored"
        }
    }
}

extension IdPViewError {
    /// Refuses a resource whose stored JSON would pass ``SCIM/ScimLimit/resourceBytes``.
    static func checkSize(_ json: [UInt8], of kind: ResourceKind) throws(IdPViewError) {
        guard json.count <= ScimLimit.resourceBytes.value else { throw .tooLarge(kind, bytes: json.count) }
    }
}

extension IdPViewError: WriteRefusal {
    public var refusalDetail: String { description }
}
