import SCIM
import SyncRules

extension ScimError {
    /// The answer to a write the sync rules refuse: a value they cannot use is `400 invalidValue`,
    /// a name another directory object holds `409 uniqueness` (RFC 7644 §3.12).
    init(_ refusal: RuleRefusal) {
        switch refusal.kind {
        case .unusableValue: self = .invalidValue(refusal.detail)
        case .conflict: self = .uniqueness(refusal.detail)
        }
    }
}
