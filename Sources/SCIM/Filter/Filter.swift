/// A parsed SCIM filter (RFC 7644 §3.4.2.2).
public indirect enum Filter: Sendable, Equatable {
    /// `attr op value`
    case compare(AttributePath, ComparisonOperator, JSONValue)
    /// `attr pr`
    case present(AttributePath)
    case and(Filter, Filter)
    case or(Filter, Filter)
    case not(Filter)
    /// `attr[filter]`: some element of the multi-valued `attr` matches the inner filter, whose
    /// paths are relative to the element.
    case valuePath(AttributePath, Filter)
}

/// The comparison operators of RFC 7644 Table 3.
public enum ComparisonOperator: String, Sendable, CaseIterable {
    case eq, ne, co, sw, ew, gt, ge, lt, le
}
