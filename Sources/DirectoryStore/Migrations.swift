import GRDB

/// The versioned schema. Each migration is applied once, in order, in its own transaction;
/// a released migration is never edited, only followed by a new one.
enum Migrations {
    static var migrator: DatabaseMigrator {
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
        migrator.registerMigration("v4-app-rate-limit") { db in
            try db.execute(sql: v4)
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

    /// Per-app rate limits the admin set (`scimsync app set-rate-limit`); an app without a row has
    /// the default (`RateLimit.standard`). The traffic itself is counted outside SQLite (the
    /// traffic file), so no request writes here.
    private static let v4 = """
        CREATE TABLE app_rate_limit (
            app_id      INTEGER PRIMARY KEY REFERENCES app(id) ON DELETE CASCADE,
            per_second  INTEGER NOT NULL,
            burst       INTEGER NOT NULL
        );
        """
}
