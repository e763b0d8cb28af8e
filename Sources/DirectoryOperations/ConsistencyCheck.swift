import DirectoryStore
import GRDB

/// One kind of inconsistency `scimsync doctor` looks for, with what it found.
public struct ConsistencyFinding: Sendable, Equatable, Codable {
    /// A stable name: `integrity`, `foreignKeys`, `orphanMemberships`, `crossDirectoryMemberships`,
    /// `membershipsLeftBehind`, `groupCycles`, `staleNameKeys`, `linksToAnotherDirectory`.
    public var check: String
    /// What is wrong, one line per instance (the first ``ConsistencyReport/shownPerCheck``).
    public var problems: [String]
    /// How many instances there are in all.
    public var count: Int
    /// Whether `--repair` fixed them, and what the admin should do otherwise.
    public var repaired: Bool
    public var advice: String?
}

/// What `scimsync doctor` found in a database, check by check (only those that found something).
public struct ConsistencyReport: Sendable, Equatable, Codable {
    public static let shownPerCheck = 20
    public var findings: [ConsistencyFinding]

    /// Whether nothing is left to fix.
    public var healthy: Bool { findings.allSatisfy(\.repaired) }
}

extension DirectoryStore {
    /// Looks for what an older schema, a crash of an older build or a hand-edited file can leave
    /// inconsistent; with `repair`, fixes what can be fixed without a decision (in one audited
    /// transaction) and says what needs the admin.
    public func checkConsistency(repair: Bool, by actor: AdminActor) throws -> ConsistencyReport {
        let check = { (db: Database) throws -> ConsistencyReport in
            var findings: [ConsistencyFinding] = []
            for check in ConsistencyCheck.all {
                guard var finding = try check.run(db) else { continue }
                if repair, let fix = check.repair {
                    try fix(db)
                    finding.repaired = true
                    finding.advice = nil
                }
                findings.append(finding)
            }
            let repaired = findings.filter(\.repaired)
            if repair, !repaired.isEmpty {
                try AuditContext(actor).record(
                    db,
                    operation: "doctor.repair",
                    target: "Database",
                    detail: repaired.map { "\($0.check): \($0.count)" }.joined(separator: "; ")
                )
            }
            return ConsistencyReport(findings: findings)
        }
        return repair ? try write(check) : try read(check)
    }
}

/// One check: a query that lists the problems, and the repair when one needs no decision.
struct ConsistencyCheck: Sendable {
    var name: String
    var problems: @Sendable (Database) throws -> [String]
    var advice: String
    var repair: (@Sendable (Database) throws -> Void)?

    func run(_ db: Database) throws -> ConsistencyFinding? {
        let found = try problems(db)
        guard !found.isEmpty else { return nil }
        return ConsistencyFinding(
            check: name,
            problems: Array(found.prefix(ConsistencyReport.shownPerCheck)),
            count: found.count,
            repaired: false,
            advice: advice
        )
    }

    static let all: [ConsistencyCheck] = [
        integrity, foreignKeys, orphanMemberships, crossDirectoryMemberships, membershipsLeftBehind, groupCycles,
        staleNameKeys, linksToAnotherDirectory,
    ]

    static let integrity = ConsistencyCheck(
        name: "integrity",
        problems: { db in try String.fetchAll(db, sql: "PRAGMA quick_check").filter { $0 != "ok" } },
        advice: "the file is damaged: restore the latest backup (scimsync restore)"
    )

    static let foreignKeys = ConsistencyCheck(
        name: "foreignKeys",
        problems: { db in
            try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").map {
                "\($0[0] as String) row \($0[1] as Int64?) names a missing \($0[2] as String) row"
            }
        },
        advice: "rows point at rows that do not exist: restore the latest backup (scimsync restore)"
    )

    /// Memberships of a user or group that no longer exists.
    static let orphanMemberships = membershipCheck(
        "orphanMemberships",
        where: """
            (m.member_kind = 'user' AND NOT EXISTS (SELECT 1 FROM dir_user WHERE id = m.member_id))
            OR (m.member_kind = 'group' AND NOT EXISTS (SELECT 1 FROM dir_group WHERE id = m.member_id))
            """
    ) { group, kind, id in "group '\(group)' has a membership of \(kind) #\(id), which does not exist" }

    /// Memberships whose member is in another directory than its group.
    static let crossDirectoryMemberships = membershipCheck(
        "crossDirectoryMemberships",
        where: """
            (m.member_kind = 'user' AND EXISTS (SELECT 1 FROM dir_user u, dir_group g
                WHERE u.id = m.member_id AND g.id = m.group_id AND u.directory_id != g.directory_id))
            OR (m.member_kind = 'group' AND EXISTS (SELECT 1 FROM dir_group c, dir_group g
                WHERE c.id = m.member_id AND g.id = m.group_id AND c.directory_id != g.directory_id))
            """
    ) { group, kind, id in "group '\(group)' has \(kind) #\(id) of another directory as a member" }

    /// The memberships `condition` (over `dir_membership AS m`, a constant) selects, each named by
    /// `problem`, and their removal as the repair.
    private static func membershipCheck(
        _ name: String,
        where condition: String,
        problem: @escaping @Sendable (_ group: String, _ kind: String, _ id: Int64) -> String
    ) -> ConsistencyCheck {
        ConsistencyCheck(
            name: name,
            problems: { db in
                try Row.fetchAll(
                    db,
                    sql: "SELECT g.name, m.member_kind, m.member_id FROM dir_membership m JOIN dir_group g ON g.id = m.group_id WHERE \(condition)"
                ).map { problem($0[0], $0[1], $0[2]) }
            },
            advice: "run scimsync doctor --repair to remove them",
            repair: { db in try db.execute(sql: "DELETE FROM dir_membership AS m WHERE \(condition)") }
        )
    }

    /// An app's memberships in a directory it no longer provisions (a `sync` removes them too).
    static let membershipsLeftBehind = ConsistencyCheck(
        name: "membershipsLeftBehind",
        problems: { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT a.name, g.name, count(*) FROM dir_membership m JOIN dir_group g ON g.id = m.group_id
                    JOIN app a ON a.id = m.app_id WHERE \(leftBehind) GROUP BY a.id, g.id ORDER BY a.name_key, g.name_key
                    """
            ).map { "app '\($0[0] as String)' still gives \($0[2] as Int) membership(s) of group '\($0[1] as String)' in a directory it left" }
        },
        advice: "run scimsync doctor --repair (or scimsync sync) to remove them",
        repair: { db in try db.execute(sql: "DELETE FROM dir_membership AS m WHERE \(leftBehind)") }
    )

    private static let leftBehind = """
        m.app_id IS NOT NULL AND (SELECT directory_id FROM dir_group WHERE id = m.group_id)
            != (SELECT directory_id FROM app WHERE id = m.app_id)
        """

    /// Directory groups that contain themselves through others (schema v3 let IdPs make them).
    static let groupCycles = ConsistencyCheck(
        name: "groupCycles",
        problems: { db in
            let edges = try Row.fetchAll(
                db,
                sql: "SELECT DISTINCT group_id, member_id FROM dir_membership WHERE member_kind = 'group' ORDER BY group_id, member_id"
            ).map { (parent: $0[0] as Int64, child: $0[1] as Int64) }
            let names = Dictionary(
                uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, name FROM dir_group").map { ($0[0] as Int64, $0[1] as String) }
            )
            return GroupCycles.find(edges).map { cycle in
                "groups " + (cycle + [cycle[0]]).map { "'\(names[$0] ?? "#\($0)")'" }.joined(separator: " ⊃ ")
            }
        },
        advice:
            "remove one membership of each cycle: scimsync group remove-member (for the admin's), or change the rules that nest them and run scimsync sync"
    )

    /// Names whose folded key is not the current fold: two names that are one under it (v4 folds
    /// NFC and full case; a later row kept its old key).
    static let staleNameKeys = ConsistencyCheck(
        name: "staleNameKeys",
        problems: { db in
            var found: [String] = []
            for (table, column, key, kind) in [
                ("dir_user", "name", "name_key", "directory user"), ("dir_group", "name", "name_key", "directory group"),
                ("scim_user", "user_name", "user_name_key", "IdP user"), ("scim_group", "display_name", "display_name_key", "IdP group"),
                ("app", "name", "name_key", "app"), ("directory", "name", "name_key", "directory"),
            ] {
                found += try String.fetchAll(db, sql: "SELECT \(column) FROM \(table) WHERE \(key) IS NOT scim_fold(\(column))")
                    .map { "\(kind) '\($0)' is the same name as another one, ignoring case and Unicode normalization" }
            }
            return found
        },
        advice: "rename one of each pair (scimsync user/group/app/directory commands, or at the IdP)"
    )

    /// SCIM users linked to a directory user outside their app's directory (after a move, until `sync`).
    static let linksToAnotherDirectory = ConsistencyCheck(
        name: "linksToAnotherDirectory",
        problems: { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT a.name, count(*) FROM scim_user s JOIN app a ON a.id = s.app_id JOIN dir_user u ON u.id = s.directory_user_id
                    WHERE u.directory_id != a.directory_id GROUP BY a.id ORDER BY a.name_key
                    """
            ).map { "app '\($0[0] as String)' has \($0[1] as Int) user(s) linked to a directory it no longer provisions" }
        },
        advice: "run scimsync sync --app APP to provision them in the app's directory"
    )
}
