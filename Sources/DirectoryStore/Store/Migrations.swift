import GRDB

/// The versioned schema. Each migration is applied once, in order, in its own transaction;
/// a released migration is never edited, only followed by a new one.
package enum Migrations {
    package static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-directory-apps-idp-view-audit") { db in
            try db.execute(sql: v1)
        }
        migrator.registerMigration("v2-sync-rules") { db in
            try db.execute(sql: v2)
        }
        migrator.registerMigration("v3-security-hardening") { db in
            try db.execute(sql: v3)
        }
        // Foreign keys are off while it runs (GRDB's deferred checks), so tables can be rebuilt.
        migrator.registerMigration("v4-structural-membership-origins") { db in
            try db.execute(sql: v4Tables)
            try LegacyMembershipOrigins.convert(db)
            try db.execute(sql: v4Finish)
            db.add(function: DirectoryStore.foldFunction)
            try db.execute(sql: v4Keys)
        }
        migrator.registerMigration("v5-list-tallies") { db in
            try db.execute(sql: v5)
        }
        migrator.registerMigration("v6-member-display-as-written") { db in
            try db.execute(sql: v6)
        }
        migrator.registerMigration("v7-queued-group-work") { db in
            try db.execute(sql: v7)
        }
        migrator.registerMigration("v8-app-rate-limit") { db in
            try db.execute(sql: v8)
        }
        migrator.registerMigration("v9-crowd-clients-and-events") { db in
            try db.execute(sql: CrowdSchema.v9)
        }
        migrator.registerMigration("v10-admin-console") { db in
            try db.execute(sql: v10)
        }
        migrator.registerMigration("v11-sync-runs") { db in
            try db.execute(sql: SyncRunSchema.v11)
        }
        migrator.registerMigration("v12-crowd-events-leave-with-their-directory") { db in
            try db.execute(sql: CrowdSchema.v12)
        }
        migrator.registerMigration("v13-rate-limits-in-the-auth-epoch") { db in
            try db.execute(sql: v13)
        }
        return migrator
    }

    /// Names that must be unique ignoring case are stored twice: as written, and folded
    /// (`*_key`, Unicode-lowercased by the store) under a unique index.
    private static let v1 = """
        CREATE TABLE directory (
            id          INTEGER PRIMARY KEY,
            name        TEXT NOT NULL,
            name_key    TEXT NOT NULL UNIQUE,
            created_at  TEXT NOT NULL
        );

        CREATE TABLE app (
            id            INTEGER PRIMARY KEY,
            name          TEXT NOT NULL,
            name_key      TEXT NOT NULL UNIQUE,
            provider      TEXT NOT NULL,
            directory_id  INTEGER NOT NULL REFERENCES directory(id),
            enabled       INTEGER NOT NULL DEFAULT 1,
            rules         TEXT NOT NULL DEFAULT '{}',
            created_at    TEXT NOT NULL
        );
        CREATE INDEX app_directory ON app(directory_id);

        -- Only the SHA-256 of each token is kept; `hint` is its first characters, for listings.
        CREATE TABLE app_token (
            id          INTEGER PRIMARY KEY,
            app_id      INTEGER NOT NULL REFERENCES app(id) ON DELETE CASCADE,
            token_hash  TEXT NOT NULL UNIQUE,
            hint        TEXT NOT NULL,
            created_at  TEXT NOT NULL,
            expires_at  TEXT,
            revoked_at  TEXT
        );
        CREATE INDEX app_token_app ON app_token(app_id);

        -- Bumped by every change to apps and tokens, so a responder's cache of authenticated
        -- tokens knows at once when to forget them (see AuthCache).
        CREATE TABLE auth_epoch (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
        INSERT INTO auth_epoch (id, value) VALUES (1, 0);
        CREATE TRIGGER app_insert_epoch AFTER INSERT ON app BEGIN UPDATE auth_epoch SET value = value + 1; END;
        CREATE TRIGGER app_update_epoch AFTER UPDATE ON app BEGIN UPDATE auth_epoch SET value = value + 1; END;
        CREATE TRIGGER app_delete_epoch AFTER DELETE ON app BEGIN UPDATE auth_epoch SET value = value + 1; END;
        CREATE TRIGGER token_insert_epoch AFTER INSERT ON app_token BEGIN UPDATE auth_epoch SET value = value + 1; END;
        CREATE TRIGGER token_update_epoch AFTER UPDATE ON app_token BEGIN UPDATE auth_epoch SET value = value + 1; END;
        CREATE TRIGGER token_delete_epoch AFTER DELETE ON app_token BEGIN UPDATE auth_epoch SET value = value + 1; END;

        -- The IdP view: each app's SCIM resources exactly as its IdP wrote them.
        CREATE TABLE scim_user (
            pk                 INTEGER PRIMARY KEY,
            app_id             INTEGER NOT NULL REFERENCES app(id) ON DELETE CASCADE,
            id                 TEXT NOT NULL UNIQUE,
            user_name          TEXT NOT NULL,
            user_name_key      TEXT NOT NULL,
            external_id        TEXT,
            display_name       TEXT,
            display_name_key   TEXT,
            active             INTEGER NOT NULL,
            resource           TEXT NOT NULL,
            version            INTEGER NOT NULL,
            created_at         TEXT NOT NULL,
            modified_at        TEXT NOT NULL,
            directory_user_id  INTEGER REFERENCES dir_user(id) ON DELETE SET NULL
        );
        -- (app_id) carries the rowid, so it lists an app's resources in pk order without sorting.
        CREATE INDEX scim_user_app ON scim_user(app_id);
        CREATE UNIQUE INDEX scim_user_name ON scim_user(app_id, user_name_key);
        CREATE INDEX scim_user_external ON scim_user(app_id, external_id);
        CREATE INDEX scim_user_display ON scim_user(app_id, display_name_key);
        CREATE INDEX scim_user_directory_user ON scim_user(directory_user_id);

        -- Each user's email values, case-folded, so that `emails.value eq` is an index lookup.
        CREATE TABLE scim_user_email (
            value_key  TEXT NOT NULL,
            user_pk    INTEGER NOT NULL REFERENCES scim_user(pk) ON DELETE CASCADE,
            PRIMARY KEY (value_key, user_pk)
        ) WITHOUT ROWID;
        CREATE INDEX scim_user_email_user ON scim_user_email(user_pk);

        CREATE TABLE scim_group (
            pk                INTEGER PRIMARY KEY,
            app_id            INTEGER NOT NULL REFERENCES app(id) ON DELETE CASCADE,
            id                TEXT NOT NULL UNIQUE,
            display_name      TEXT NOT NULL,
            display_name_key  TEXT NOT NULL,
            external_id       TEXT,
            resource          TEXT NOT NULL,
            version           INTEGER NOT NULL,
            created_at          TEXT NOT NULL,
            modified_at         TEXT NOT NULL,
            directory_group_id  INTEGER REFERENCES dir_group(id) ON DELETE SET NULL
        );
        CREATE INDEX scim_group_app ON scim_group(app_id);
        CREATE UNIQUE INDEX scim_group_name ON scim_group(app_id, display_name_key);
        CREATE INDEX scim_group_external ON scim_group(app_id, external_id);
        CREATE INDEX scim_group_directory_group ON scim_group(directory_group_id);

        -- One row per member: adding or removing one costs the same whatever the group's size.
        CREATE TABLE scim_member (
            group_pk     INTEGER NOT NULL REFERENCES scim_group(pk) ON DELETE CASCADE,
            member_id    TEXT NOT NULL,
            member_type  TEXT NOT NULL CHECK (member_type IN ('User', 'Group')),
            PRIMARY KEY (group_pk, member_id)
        ) WITHOUT ROWID;
        CREATE INDEX scim_member_member ON scim_member(member_id);

        -- The directory view: what the sync rules derive, plus what the admin creates locally.
        CREATE TABLE dir_user (
            id             INTEGER PRIMARY KEY,
            directory_id   INTEGER NOT NULL REFERENCES directory(id) ON DELETE CASCADE,
            name           TEXT NOT NULL,
            name_key       TEXT NOT NULL,
            email          TEXT,
            display_name   TEXT,
            first_name     TEXT,
            last_name      TEXT,
            active         INTEGER NOT NULL DEFAULT 1,
            origin_app_id  INTEGER REFERENCES app(id) ON DELETE SET NULL,
            created_at     TEXT NOT NULL,
            modified_at    TEXT NOT NULL,
            UNIQUE (directory_id, name_key)
        );

        CREATE TABLE dir_group (
            id            INTEGER PRIMARY KEY,
            directory_id  INTEGER NOT NULL REFERENCES directory(id) ON DELETE CASCADE,
            name          TEXT NOT NULL,
            name_key      TEXT NOT NULL,
            description   TEXT,
            active        INTEGER NOT NULL DEFAULT 1,
            created_at    TEXT NOT NULL,
            modified_at   TEXT NOT NULL,
            UNIQUE (directory_id, name_key)
        );

        -- A membership may have several origins ('admin', or 'app:<id>:<rule>'); it exists while one remains.
        CREATE TABLE dir_membership (
            group_id     INTEGER NOT NULL REFERENCES dir_group(id) ON DELETE CASCADE,
            member_kind  TEXT NOT NULL CHECK (member_kind IN ('user', 'group')),
            member_id    INTEGER NOT NULL,
            origin       TEXT NOT NULL,
            PRIMARY KEY (group_id, member_kind, member_id, origin)
        ) WITHOUT ROWID;
        CREATE INDEX dir_membership_member ON dir_membership(member_kind, member_id);

        CREATE TABLE audit (
            id          INTEGER PRIMARY KEY,
            at          TEXT NOT NULL,
            app_id      INTEGER,
            app_name    TEXT,
            request_id  TEXT,
            operation   TEXT NOT NULL,
            target      TEXT NOT NULL,
            outcome     TEXT NOT NULL,
            detail      TEXT
        );
        CREATE INDEX audit_at ON audit(at);
        CREATE INDEX audit_app ON audit(app_id, at);
        """

    /// Sync rules: a membership's origin names the rule that made it (`app:<id>:group:<IdP group pk>`,
    /// `app:<id>:default`, `app:<id>:new`, or `admin`), so each rule removes exactly what it added;
    /// directory groups remember the app that created them; IdP groups no longer link to one
    /// directory group, as the rules may map one to several.
    private static let v2 = """
        ALTER TABLE dir_group ADD COLUMN origin_app_id INTEGER REFERENCES app(id) ON DELETE SET NULL;

        CREATE TEMP TABLE derived AS
            SELECT g.directory_group_id AS group_id, 'user' AS member_kind, u.directory_user_id AS member_id,
                   'app:' || g.app_id || ':group:' || g.pk AS origin
            FROM scim_member m JOIN scim_group g ON g.pk = m.group_pk JOIN scim_user u ON u.id = m.member_id
            WHERE m.member_type = 'User' AND g.directory_group_id IS NOT NULL AND u.directory_user_id IS NOT NULL
            UNION
            SELECT g.directory_group_id, 'group', c.directory_group_id, 'app:' || g.app_id || ':group:' || g.pk
            FROM scim_member m JOIN scim_group g ON g.pk = m.group_pk JOIN scim_group c ON c.id = m.member_id
            WHERE m.member_type = 'Group' AND g.directory_group_id IS NOT NULL AND c.directory_group_id IS NOT NULL;
        DELETE FROM dir_membership WHERE origin LIKE 'app:%';
        INSERT OR IGNORE INTO dir_membership (group_id, member_kind, member_id, origin) SELECT * FROM derived;
        DROP TABLE derived;
        UPDATE dir_group SET origin_app_id = (SELECT app_id FROM scim_group WHERE directory_group_id = dir_group.id LIMIT 1);
        CREATE INDEX dir_membership_origin ON dir_membership(origin);

        DROP INDEX scim_group_directory_group;
        ALTER TABLE scim_group DROP COLUMN directory_group_id;

        CREATE TABLE setting (
            key    TEXT PRIMARY KEY,
            value  TEXT NOT NULL
        );
        """

    /// Security hardening: deleted tokens leave a tombstone (an old export or snapshot can never
    /// bring them back), apps may have a configured public base URL, the admin can protect
    /// directory groups from the apps, audit entries name who acted. New apps get safer rule
    /// defaults (refuse to adopt, deactivate on delete): existing apps keep the ones they had.
    private static let v3 = """
        ALTER TABLE app ADD COLUMN base_url TEXT;
        ALTER TABLE dir_group ADD COLUMN protected INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE audit ADD COLUMN actor TEXT;

        CREATE TABLE token_tombstone (
            token_hash  TEXT PRIMARY KEY,
            hint        TEXT NOT NULL,
            deleted_at  TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TRIGGER token_delete_tombstone AFTER DELETE ON app_token BEGIN
            INSERT OR IGNORE INTO token_tombstone (token_hash, hint, deleted_at)
            VALUES (old.token_hash, old.hint, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
        END;

        UPDATE app SET rules = json_set(
            rules,
            '$.userSync.onDelete', coalesce(json_extract(rules, '$.userSync.onDelete'), 'delete'),
            '$.userSync.existingUsers', coalesce(json_extract(rules, '$.userSync.existingUsers'), 'adopt'))
        WHERE json_valid(rules) AND json_type(rules) = 'object';
        """

    /// Memberships know their origin structurally: the rule that made it, the app (deleting the
    /// app deletes its memberships) and the IdP group (deleting it deletes what it gave), never a
    /// string. App, group and user ids are never reused (`AUTOINCREMENT`), seeded past every app id
    /// the audit remembers. Deleting a directory user or group deletes the memberships it is the
    /// member of. Rows of `dir_membership_v3` are converted by ``LegacyMembershipOrigins``, which
    /// leaves out the orphans: origins naming a deleted app or IdP group, members that are gone.
    private static let v4Tables = """
        CREATE TABLE app_v4 (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            name          TEXT NOT NULL,
            name_key      TEXT NOT NULL UNIQUE,
            provider      TEXT NOT NULL,
            directory_id  INTEGER NOT NULL REFERENCES directory(id),
            enabled       INTEGER NOT NULL DEFAULT 1,
            rules         TEXT NOT NULL DEFAULT '{}',
            created_at    TEXT NOT NULL,
            base_url      TEXT
        );
        INSERT INTO app_v4 (id, name, name_key, provider, directory_id, enabled, rules, created_at, base_url)
            SELECT id, name, name_key, provider, directory_id, enabled, rules, created_at, base_url FROM app;
        DROP TABLE app;
        ALTER TABLE app_v4 RENAME TO app;
        CREATE INDEX app_directory ON app(directory_id);
        CREATE TRIGGER app_insert_epoch AFTER INSERT ON app BEGIN UPDATE auth_epoch SET value = value + 1; END;
        CREATE TRIGGER app_update_epoch AFTER UPDATE ON app BEGIN UPDATE auth_epoch SET value = value + 1; END;
        CREATE TRIGGER app_delete_epoch AFTER DELETE ON app BEGIN UPDATE auth_epoch SET value = value + 1; END;
        -- The copies above started each table's sequence at its largest id; an app deleted since
        -- may have had a larger one, which only the audit remembers.
        INSERT INTO sqlite_sequence (name, seq) SELECT 'app', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'app');
        UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT max(app_id) FROM audit), 0)) WHERE name = 'app';

        CREATE TABLE scim_group_v4 (
            pk                INTEGER PRIMARY KEY AUTOINCREMENT,
            app_id            INTEGER NOT NULL REFERENCES app(id) ON DELETE CASCADE,
            id                TEXT NOT NULL UNIQUE,
            display_name      TEXT NOT NULL,
            display_name_key  TEXT NOT NULL,
            external_id       TEXT,
            resource          TEXT NOT NULL,
            version           INTEGER NOT NULL,
            created_at        TEXT NOT NULL,
            modified_at       TEXT NOT NULL
        );
        INSERT INTO scim_group_v4 (pk, app_id, id, display_name, display_name_key, external_id, resource, version,
                                   created_at, modified_at)
            SELECT pk, app_id, id, display_name, display_name_key, external_id, resource, version, created_at, modified_at
            FROM scim_group;
        DROP TABLE scim_group;
        ALTER TABLE scim_group_v4 RENAME TO scim_group;
        CREATE INDEX scim_group_app ON scim_group(app_id);
        CREATE UNIQUE INDEX scim_group_name ON scim_group(app_id, display_name_key);
        CREATE INDEX scim_group_external ON scim_group(app_id, external_id);
        -- The parent key of a membership's (idp_group_pk, app_id): an IdP group gives only its own app's memberships.
        CREATE UNIQUE INDEX scim_group_pk_app ON scim_group(pk, app_id);

        CREATE TABLE dir_user_v4 (
            id             INTEGER PRIMARY KEY AUTOINCREMENT,
            directory_id   INTEGER NOT NULL REFERENCES directory(id) ON DELETE CASCADE,
            name           TEXT NOT NULL,
            name_key       TEXT NOT NULL,
            email          TEXT,
            display_name   TEXT,
            first_name     TEXT,
            last_name      TEXT,
            active         INTEGER NOT NULL DEFAULT 1,
            origin_app_id  INTEGER REFERENCES app(id) ON DELETE SET NULL,
            created_at     TEXT NOT NULL,
            modified_at    TEXT NOT NULL,
            UNIQUE (directory_id, name_key)
        );
        INSERT INTO dir_user_v4 (id, directory_id, name, name_key, email, display_name, first_name, last_name, active,
                                 origin_app_id, created_at, modified_at)
            SELECT id, directory_id, name, name_key, email, display_name, first_name, last_name, active,
                   origin_app_id, created_at, modified_at
            FROM dir_user;
        DROP TABLE dir_user;
        ALTER TABLE dir_user_v4 RENAME TO dir_user;

        CREATE TABLE dir_group_v4 (
            id             INTEGER PRIMARY KEY AUTOINCREMENT,
            directory_id   INTEGER NOT NULL REFERENCES directory(id) ON DELETE CASCADE,
            name           TEXT NOT NULL,
            name_key       TEXT NOT NULL,
            description    TEXT,
            active         INTEGER NOT NULL DEFAULT 1,
            created_at     TEXT NOT NULL,
            modified_at    TEXT NOT NULL,
            origin_app_id  INTEGER REFERENCES app(id) ON DELETE SET NULL,
            protected      INTEGER NOT NULL DEFAULT 0,
            UNIQUE (directory_id, name_key)
        );
        INSERT INTO dir_group_v4 (id, directory_id, name, name_key, description, active, created_at, modified_at,
                                  origin_app_id, protected)
            SELECT id, directory_id, name, name_key, description, active, created_at, modified_at, origin_app_id, protected
            FROM dir_group;
        DROP TABLE dir_group;
        ALTER TABLE dir_group_v4 RENAME TO dir_group;

        ALTER TABLE dir_membership RENAME TO dir_membership_v3;
        DROP INDEX dir_membership_member;
        DROP INDEX dir_membership_origin;
        -- rule: 'admin' (the admin's act), 'idpGroup' (an IdP group of the app), 'defaultGroup' (the
        -- app's default groups for all users), 'newUserGroup' (its one-time grants to new users).
        CREATE TABLE dir_membership (
            group_id      INTEGER NOT NULL REFERENCES dir_group(id) ON DELETE CASCADE,
            member_kind   TEXT NOT NULL CHECK (member_kind IN ('user', 'group')),
            member_id     INTEGER NOT NULL,
            rule          TEXT NOT NULL CHECK (rule IN ('admin', 'idpGroup', 'defaultGroup', 'newUserGroup')),
            app_id        INTEGER REFERENCES app(id) ON DELETE CASCADE,
            idp_group_pk  INTEGER,
            FOREIGN KEY (idp_group_pk, app_id) REFERENCES scim_group(pk, app_id) ON DELETE CASCADE,
            CHECK ((rule = 'admin') = (app_id IS NULL)),
            CHECK ((rule = 'idpGroup') = (idp_group_pk IS NOT NULL))
        );
        CREATE UNIQUE INDEX dir_membership_key
            ON dir_membership(group_id, member_kind, member_id, rule, ifnull(app_id, 0), ifnull(idp_group_pk, 0));
        CREATE INDEX dir_membership_member ON dir_membership(member_kind, member_id);
        CREATE INDEX dir_membership_app ON dir_membership(app_id, rule);
        CREATE INDEX dir_membership_idp_group ON dir_membership(idp_group_pk, app_id);
        """

    private static let v4Finish = """
        DROP TABLE dir_membership_v3;

        -- Every directory change of an audited write, in order (the entry's detail names the first few).
        CREATE TABLE audit_change (
            audit_id     INTEGER NOT NULL REFERENCES audit(id) ON DELETE CASCADE,
            seq          INTEGER NOT NULL,
            app_name     TEXT NOT NULL,
            change       TEXT NOT NULL,
            user_name    TEXT,
            group_name   TEXT,
            member       TEXT,
            member_kind  TEXT,
            origin       TEXT,
            fields       TEXT,
            reason       TEXT,
            previous     TEXT,
            PRIMARY KEY (audit_id, seq)
        ) WITHOUT ROWID;
        CREATE TRIGGER dir_user_delete_memberships AFTER DELETE ON dir_user BEGIN
            DELETE FROM dir_membership WHERE member_kind = 'user' AND member_id = old.id;
        END;
        CREATE TRIGGER dir_group_delete_memberships AFTER DELETE ON dir_group BEGIN
            DELETE FROM dir_membership WHERE member_kind = 'group' AND member_id = old.id;
        END;
        """

    /// Names are folded by NFC and full case folding now (``Swift/String/nameKey``), no longer by
    /// lowercase alone. A name whose new key another row of its table already holds keeps its old
    /// one (`scimsync doctor` names them, so the admin can rename one of the two).
    private static let v4Keys = """
        UPDATE OR IGNORE directory SET name_key = scim_fold(name) WHERE name_key IS NOT scim_fold(name);
        UPDATE OR IGNORE app SET name_key = scim_fold(name) WHERE name_key IS NOT scim_fold(name);
        UPDATE OR IGNORE scim_user SET user_name_key = scim_fold(user_name) WHERE user_name_key IS NOT scim_fold(user_name);
        UPDATE scim_user SET display_name_key = scim_fold(display_name) WHERE display_name_key IS NOT scim_fold(display_name);
        UPDATE OR IGNORE scim_user_email SET value_key = scim_fold(value_key) WHERE value_key IS NOT scim_fold(value_key);
        UPDATE OR IGNORE scim_group SET display_name_key = scim_fold(display_name)
            WHERE display_name_key IS NOT scim_fold(display_name);
        UPDATE OR IGNORE dir_user SET name_key = scim_fold(name) WHERE name_key IS NOT scim_fold(name);
        UPDATE OR IGNORE dir_group SET name_key = scim_fold(name) WHERE name_key IS NOT scim_fold(name);
        """

    /// Each app's count of IdP users and groups, and of their deletions, kept by triggers: an
    /// unfiltered list reads its `totalResults` here instead of counting the table on every page,
    /// and a page that follows the one before it continues from that page's last key while no row
    /// was deleted meanwhile (inserts only ever come after the last key: see ``PagePositions``).
    private static let v5 = """
        CREATE TABLE scim_tally (
            app_id         INTEGER NOT NULL REFERENCES app(id) ON DELETE CASCADE,
            resource_type  TEXT NOT NULL CHECK (resource_type IN ('User', 'Group')),
            total          INTEGER NOT NULL,
            deletions      INTEGER NOT NULL,
            PRIMARY KEY (app_id, resource_type)
        ) WITHOUT ROWID;
        INSERT INTO scim_tally (app_id, resource_type, total, deletions)
            SELECT id, 'User', (SELECT count(*) FROM scim_user WHERE app_id = app.id), 0 FROM app;
        INSERT INTO scim_tally (app_id, resource_type, total, deletions)
            SELECT id, 'Group', (SELECT count(*) FROM scim_group WHERE app_id = app.id), 0 FROM app;
        CREATE TRIGGER app_insert_tally AFTER INSERT ON app BEGIN
            INSERT INTO scim_tally (app_id, resource_type, total, deletions) VALUES (new.id, 'User', 0, 0), (new.id, 'Group', 0, 0);
        END;
        CREATE TRIGGER scim_user_insert_tally AFTER INSERT ON scim_user BEGIN
            UPDATE scim_tally SET total = total + 1 WHERE app_id = new.app_id AND resource_type = 'User';
        END;
        CREATE TRIGGER scim_user_delete_tally AFTER DELETE ON scim_user BEGIN
            UPDATE scim_tally SET total = total - 1, deletions = deletions + 1 WHERE app_id = old.app_id AND resource_type = 'User';
        END;
        CREATE TRIGGER scim_group_insert_tally AFTER INSERT ON scim_group BEGIN
            UPDATE scim_tally SET total = total + 1 WHERE app_id = new.app_id AND resource_type = 'Group';
        END;
        CREATE TRIGGER scim_group_delete_tally AFTER DELETE ON scim_group BEGIN
            UPDATE scim_tally SET total = total - 1, deletions = deletions + 1 WHERE app_id = old.app_id AND resource_type = 'Group';
        END;
        """

    /// A member's `display` as the IdP wrote it (NULL when it wrote none): the IdP view reads
    /// back exactly what was written; the directory view names members from the users.
    private static let v6 = """
        ALTER TABLE scim_member ADD COLUMN display TEXT;
        """

    /// Large IdP groups: a deleted group stays as a tombstone (`deleted_at` set, invisible to the IdP
    /// view) until its memberships are released batch by batch, and `group_work` is the durable
    /// record of the directory work still to do for a group (see ``GroupWork``). For the tallies
    /// (v5) a group is deleted when it becomes a tombstone, not again when the tombstone goes.
    private static let v7 = """
        ALTER TABLE scim_group ADD COLUMN deleted_at TEXT;
        DROP INDEX scim_group_name;
        CREATE UNIQUE INDEX scim_group_name ON scim_group(app_id, display_name_key) WHERE deleted_at IS NULL;

        -- kind: 'release' (the group was deleted: remove what it gave, then the tombstone) or
        -- 'rederive' (it was renamed: re-derive its user members after `cursor`, by member id).
        CREATE TABLE group_work (
            group_pk     INTEGER NOT NULL REFERENCES scim_group(pk) ON DELETE CASCADE,
            kind         TEXT NOT NULL CHECK (kind IN ('release', 'rederive')),
            cursor       TEXT NOT NULL DEFAULT '',
            request_id   TEXT,
            queued_at    TEXT NOT NULL,
            lease_owner  TEXT,
            lease_until  REAL,
            PRIMARY KEY (group_pk, kind)
        );

        DROP TRIGGER scim_group_delete_tally;
        CREATE TRIGGER scim_group_delete_tally AFTER DELETE ON scim_group WHEN old.deleted_at IS NULL BEGIN
            UPDATE scim_tally SET total = total - 1, deletions = deletions + 1 WHERE app_id = old.app_id AND resource_type = 'Group';
        END;
        CREATE TRIGGER scim_group_tombstone_tally AFTER UPDATE OF deleted_at ON scim_group
            WHEN old.deleted_at IS NULL AND new.deleted_at IS NOT NULL BEGIN
            UPDATE scim_tally SET total = total - 1, deletions = deletions + 1 WHERE app_id = old.app_id AND resource_type = 'Group';
        END;
        """

    /// Per-app rate limits the admin set (`scimsync app set-rate-limit`); an app without a row has
    /// the responder's default. The traffic itself is counted outside SQLite (the traffic file),
    /// so no request writes here.
    private static let v8 = """
        CREATE TABLE app_rate_limit (
            app_id      INTEGER PRIMARY KEY REFERENCES app(id) ON DELETE CASCADE,
            per_second  INTEGER NOT NULL,
            burst       INTEGER NOT NULL
        );
        """

    /// A token's cached grant carries its app's rate limit (one statement less per request), so a
    /// changed limit bumps the auth epoch like a changed app or token, and applies at once.
    private static let v13 = """
        CREATE TRIGGER rate_limit_insert_epoch AFTER INSERT ON app_rate_limit BEGIN UPDATE auth_epoch SET value = value + 1; END;
        CREATE TRIGGER rate_limit_update_epoch AFTER UPDATE ON app_rate_limit BEGIN UPDATE auth_epoch SET value = value + 1; END;
        CREATE TRIGGER rate_limit_delete_epoch AFTER DELETE ON app_rate_limit BEGIN UPDATE auth_epoch SET value = value + 1; END;
        """

    /// The web console's admins (passwords as scrypt hashes), their sessions (the cookie's
    /// SHA-256 only) and the failed sign-ins that throttle guessing (`account:<name key>`,
    /// `address:<client address>`; times in Unix seconds).
    private static let v10 = """
        CREATE TABLE admin (
            id             INTEGER PRIMARY KEY AUTOINCREMENT,
            name           TEXT NOT NULL,
            name_key       TEXT NOT NULL UNIQUE,
            role           TEXT NOT NULL CHECK (role IN ('admin', 'read-only')),
            password_hash  TEXT NOT NULL,
            created_at     TEXT NOT NULL
        );
        CREATE TABLE admin_session (
            secret_hash   TEXT PRIMARY KEY,
            admin_id      INTEGER NOT NULL REFERENCES admin(id) ON DELETE CASCADE,
            csrf_token    TEXT NOT NULL,
            created_at    REAL NOT NULL,
            last_seen_at  REAL NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX admin_session_admin ON admin_session(admin_id);
        CREATE TABLE admin_sign_in_failure (
            key       TEXT PRIMARY KEY,
            failures  INTEGER NOT NULL,
            first_at  REAL NOT NULL
        ) WITHOUT ROWID;
        """
}
