import DirectoryStore
import SCIM
import SyncRules

extension ScimError {
    /// The SCIM answer to an error a request ran into: its own SCIM error, a store or rules
    /// refusal, or a busy database; nil for anything else (an internal error, to be logged).
    init?(answering error: any Error) {
        switch error {
        case let error as ScimError: self = error
        case let refusal as RuleRefusal: self.init(refusal)
        case let refusal as IdPViewError: self.init(refusal)
        case _ where DirectoryStore.isBusy(error): self = .unavailable("The database is busy; retry the request.")
        default: return nil
        }
    }

    /// The answer to a write the sync rules refuse: a value they cannot use is `400 invalidValue`,
    /// a name another directory object holds `409 uniqueness` (RFC 7644 §3.12).
    init(_ refusal: RuleRefusal) {
        switch refusal.kind {
        case .unusableValue: self = .invalidValue(refusal.detail)
        case .conflict: self = .uniqueness(refusal.detail)
        }
    }

    /// The answer to what the IdP view refuses (RFC 7644 §3.12).
    init(_ refusal: IdPViewError) {
        let detail = refusal.description
        switch refusal {
        case .notFound: self = .notFound(detail)
        case .versionMismatch: self = .preconditionFailed(detail)
        case .nameTaken: self = .uniqueness(detail)
        case .invalidMember: self = .invalidValue(detail)
        case .unsupportedFilter: self = .invalidFilter(detail)
        case .invalidCursor: self = ScimError(status: 400, scimType: .invalidCursor, detail: detail)
        case .tooLarge: self = ScimLimit.resourceBytes.exceeded(detail)
        }
    }
}

/// The service's own validation inside a write (a PATCH that does not apply, a resource that is
/// not valid) is audited as a refusal like the store's.
extension ScimError: WriteRefusal {
    public var refusalDetail: String { detail }
}
