/// A search restriction of Crowd's search resource, whatever form it came in (XML or JSON body,
/// Crowd Query Language): property restrictions combined with AND/OR.
public indirect enum CrowdRestriction: Sendable, Equatable {
    /// Crowd's match modes the store evaluates.
    public enum MatchMode: String, Sendable, Equatable {
        case exactlyMatches = "EXACTLY_MATCHES"
        case startsWith = "STARTS_WITH"
        case contains = "CONTAINS"
        case null = "NULL"
    }

    /// Matches everything (Crowd's null-search-restriction).
    case all
    case property(name: String, mode: MatchMode, value: String?)
    case and([CrowdRestriction])
    case or([CrowdRestriction])

    /// The most restrictions of one search: each costs a term in the query.
    public static let maxTerms = 50
    /// The most restrictions of any kind (property, boolean, null) one search holds: null and empty
    /// boolean restrictions hold no property term but each still costs a term of the SQL condition,
    /// and SQLite refuses a condition nested 1,000 deep.
    public static let maxRestrictions = 200

    /// How many property terms it holds.
    public var termCount: Int {
        switch self {
        case .all: 0
        case .property: 1
        case .and(let parts), .or(let parts): parts.reduce(0) { $0 + $1.termCount }
        }
    }

    /// How many restrictions it holds, itself included.
    public var restrictionCount: Int {
        switch self {
        case .all, .property: 1
        case .and(let parts), .or(let parts): parts.reduce(1) { $0 + $1.restrictionCount }
        }
    }
}

/// What Crowd's search resource searches.
public enum CrowdEntityType: String, Sendable {
    case user, group

    /// Crowd's property names → the directory table's column, and whether it is a name matched by
    /// its folded key (Crowd's lookups ignore case).
    func column(of property: String) -> (name: String, folded: Bool, boolean: Bool)? {
        switch (self, property) {
        case (_, "name"): ("name_key", true, false)
        case (_, "active"): ("active", false, true)
        case (.user, "email"): ("email", true, false)
        case (.user, "firstName"): ("first_name", true, false)
        case (.user, "lastName"): ("last_name", true, false)
        case (.user, "displayName"): ("display_name", true, false)
        case (.group, "description"): ("description", true, false)
        default: nil
        }
    }

    /// The properties a restriction can name, for errors.
    var properties: [String] {
        switch self {
        case .user: ["name", "email", "firstName", "lastName", "displayName", "active"]
        case .group: ["name", "description", "active"]
        }
    }
}
