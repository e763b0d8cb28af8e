/// An error in Crowd's error entity: a `reason` from Crowd's list and a message, with the status
/// Crowd answers it with.
public struct CrowdError: Error, Equatable {
    public var status: Int
    public var reason: String
    public var message: String

    static func userNotFound(_ name: String) -> CrowdError {
        CrowdError(status: 404, reason: "USER_NOT_FOUND", message: "User <\(name)> does not exist")
    }

    static func groupNotFound(_ name: String) -> CrowdError {
        CrowdError(status: 404, reason: "GROUP_NOT_FOUND", message: "Group <\(name)> does not exist")
    }

    static func membershipNotFound(_ child: String, _ parent: String) -> CrowdError {
        CrowdError(status: 404, reason: "MEMBERSHIP_NOT_FOUND", message: "The child entity <\(child)> is not a member of the parent <\(parent)>")
    }

    static func illegalArgument(_ message: String) -> CrowdError {
        CrowdError(status: 400, reason: "ILLEGAL_ARGUMENT", message: message)
    }

    /// Writes: the identity providers own the directory.
    static let readOnly = CrowdError(
        status: 403,
        reason: "APPLICATION_PERMISSION_DENIED",
        message:
            "The directory is provisioned by identity providers over SCIM (the source of truth); ScimSync does not change it through the Crowd API."
    )

    /// ScimSync keeps no passwords: people sign in at their identity provider.
    static let noPasswords = CrowdError(
        status: 400,
        reason: "INVALID_USER_AUTHENTICATION",
        message: "ScimSync holds no passwords: users sign in through their identity provider (single sign-on)."
    )

    static let invalidSSOToken = CrowdError(
        status: 404,
        reason: "INVALID_SSO_TOKEN",
        message: "ScimSync issues no Crowd SSO sessions: users sign in through their identity provider."
    )

    static let eventTokenExpired = CrowdError(
        status: 409,
        reason: "EVENT_TOKEN_EXPIRED",
        message: "The event token is not valid here or is older than the events ScimSync keeps; synchronise in full."
    )
}
