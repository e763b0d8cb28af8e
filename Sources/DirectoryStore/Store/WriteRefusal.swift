import SyncRules

/// An error a write's own code throws to refuse the write (a store refusal, a rules refusal, or
/// the caller's validation inside the write): ``DirectoryStore`` records it in the audit log with
/// this detail before passing it on.
public protocol WriteRefusal: Error {
    /// What the audit entry says about the refusal.
    var refusalDetail: String { get }
}

extension RuleRefusal: WriteRefusal {
    public var refusalDetail: String { detail }
}
