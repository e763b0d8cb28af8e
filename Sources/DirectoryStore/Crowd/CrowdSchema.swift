/// Schema v9: Crowd application clients and the directory's change feed.
enum CrowdSchema {
    /// The feed keeps this many of the latest events; a token older than them is expired.
    static let retainedEvents = 100_000

    /// Clients (their directories in order, their allowed addresses), and `crowd_event`, filled by
    /// triggers on the directory tables, so every writer (IdP requests, rules sync, the admin, group
    /// work batches, import) feeds it in the transaction of its change. A membership event is
    /// written when the first origin of a membership appears or the last one goes, and not for the
    /// memberships of a user or group being deleted (its own event says it).
    static let v9 = """
        CREATE TABLE crowd_client (
            id             INTEGER PRIMARY KEY AUTOINCREMENT,
            name           TEXT NOT NULL,
            name_key       TEXT NOT NULL UNIQUE,
            password_hash  TEXT NOT NULL,
            enabled        INTEGER NOT NULL DEFAULT 1,
            created_at     TEXT NOT NULL
        );
        CREATE TABLE crowd_client_directory (
            client_id     INTEGER NOT NULL REFERENCES crowd_client(id) ON DELETE CASCADE,
            position      INTEGER NOT NULL,
            directory_id  INTEGER NOT NULL REFERENCES directory(id) ON DELETE CASCADE,
            PRIMARY KEY (client_id, position),
            UNIQUE (client_id, directory_id)
        ) WITHOUT ROWID;
        CREATE TABLE crowd_client_address (
            client_id  INTEGER NOT NULL REFERENCES crowd_client(id) ON DELETE CASCADE,
            cidr       TEXT NOT NULL,
            PRIMARY KEY (client_id, cidr)
        ) WITHOUT ROWID;
        CREATE TRIGGER crowd_client_insert_epoch AFTER INSERT ON crowd_client BEGIN UPDATE auth_epoch SET value = value + 1; END;
        CREATE TRIGGER crowd_client_update_epoch AFTER UPDATE ON crowd_client BEGIN UPDATE auth_epoch SET value = value + 1; END;
        CREATE TRIGGER crowd_client_delete_epoch AFTER DELETE ON crowd_client BEGIN UPDATE auth_epoch SET value = value + 1; END;
        CREATE TRIGGER crowd_client_directory_insert_epoch AFTER INSERT ON crowd_client_directory
            BEGIN UPDATE auth_epoch SET value = value + 1; END;
        CREATE TRIGGER crowd_client_directory_delete_epoch AFTER DELETE ON crowd_client_directory
            BEGIN UPDATE auth_epoch SET value = value + 1; END;
        CREATE TRIGGER crowd_client_address_insert_epoch AFTER INSERT ON crowd_client_address
            BEGIN UPDATE auth_epoch SET value = value + 1; END;
        CREATE TRIGGER crowd_client_address_delete_epoch AFTER DELETE ON crowd_client_address
            BEGIN UPDATE auth_epoch SET value = value + 1; END;

        -- Tokens name this database's epoch, so a token of another database (or of a restored
        -- older copy of this one) is never read as a position here.
        CREATE TABLE crowd_event_epoch (value TEXT NOT NULL);
        INSERT INTO crowd_event_epoch (value) VALUES (lower(hex(randomblob(8))));
        -- kind: 'user' | 'group' | 'membership'; operation: 'CREATED' | 'UPDATED' | 'DELETED';
        -- a membership names its group (name) and member (member_name, member_kind).
        CREATE TABLE crowd_event (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            directory_id  INTEGER NOT NULL,
            kind          TEXT NOT NULL,
            operation     TEXT NOT NULL,
            name          TEXT NOT NULL,
            member_kind   TEXT,
            member_name   TEXT
        );
        CREATE TRIGGER crowd_event_prune AFTER INSERT ON crowd_event BEGIN
            DELETE FROM crowd_event WHERE id <= new.id - \(retainedEvents);
        END;

        CREATE TRIGGER crowd_event_user_insert AFTER INSERT ON dir_user BEGIN
            INSERT INTO crowd_event (directory_id, kind, operation, name) VALUES (new.directory_id, 'user', 'CREATED', new.name);
        END;
        CREATE TRIGGER crowd_event_user_update AFTER UPDATE ON dir_user WHEN old.name_key = new.name_key AND (
            old.name IS NOT new.name OR old.email IS NOT new.email OR old.display_name IS NOT new.display_name
            OR old.first_name IS NOT new.first_name OR old.last_name IS NOT new.last_name OR old.active IS NOT new.active) BEGIN
            INSERT INTO crowd_event (directory_id, kind, operation, name) VALUES (new.directory_id, 'user', 'UPDATED', new.name);
        END;
        CREATE TRIGGER crowd_event_user_rename AFTER UPDATE ON dir_user WHEN old.name_key IS NOT new.name_key BEGIN
            INSERT INTO crowd_event (directory_id, kind, operation, name) VALUES (old.directory_id, 'user', 'DELETED', old.name);
            INSERT INTO crowd_event (directory_id, kind, operation, name) VALUES (new.directory_id, 'user', 'CREATED', new.name);
        END;
        CREATE TRIGGER crowd_event_user_delete AFTER DELETE ON dir_user BEGIN
            INSERT INTO crowd_event (directory_id, kind, operation, name) VALUES (old.directory_id, 'user', 'DELETED', old.name);
        END;

        CREATE TRIGGER crowd_event_group_insert AFTER INSERT ON dir_group BEGIN
            INSERT INTO crowd_event (directory_id, kind, operation, name) VALUES (new.directory_id, 'group', 'CREATED', new.name);
        END;
        CREATE TRIGGER crowd_event_group_update AFTER UPDATE ON dir_group WHEN old.name_key = new.name_key AND (
            old.name IS NOT new.name OR old.description IS NOT new.description OR old.active IS NOT new.active) BEGIN
            INSERT INTO crowd_event (directory_id, kind, operation, name) VALUES (new.directory_id, 'group', 'UPDATED', new.name);
        END;
        CREATE TRIGGER crowd_event_group_rename AFTER UPDATE ON dir_group WHEN old.name_key IS NOT new.name_key BEGIN
            INSERT INTO crowd_event (directory_id, kind, operation, name) VALUES (old.directory_id, 'group', 'DELETED', old.name);
            INSERT INTO crowd_event (directory_id, kind, operation, name) VALUES (new.directory_id, 'group', 'CREATED', new.name);
        END;
        CREATE TRIGGER crowd_event_group_delete AFTER DELETE ON dir_group BEGIN
            INSERT INTO crowd_event (directory_id, kind, operation, name) VALUES (old.directory_id, 'group', 'DELETED', old.name);
        END;

        CREATE TRIGGER crowd_event_membership_insert AFTER INSERT ON dir_membership
        WHEN NOT EXISTS (SELECT 1 FROM dir_membership WHERE group_id = new.group_id AND member_kind = new.member_kind
                         AND member_id = new.member_id AND rowid <> new.rowid) BEGIN
            INSERT INTO crowd_event (directory_id, kind, operation, name, member_kind, member_name)
            SELECT g.directory_id, 'membership', 'CREATED', g.name, new.member_kind,
                   CASE new.member_kind WHEN 'user' THEN (SELECT name FROM dir_user WHERE id = new.member_id)
                                        ELSE (SELECT name FROM dir_group WHERE id = new.member_id) END
            FROM dir_group g WHERE g.id = new.group_id;
        END;
        CREATE TRIGGER crowd_event_membership_delete AFTER DELETE ON dir_membership
        WHEN NOT EXISTS (SELECT 1 FROM dir_membership WHERE group_id = old.group_id AND member_kind = old.member_kind
                         AND member_id = old.member_id) BEGIN
            INSERT INTO crowd_event (directory_id, kind, operation, name, member_kind, member_name)
            SELECT g.directory_id, 'membership', 'DELETED', g.name, old.member_kind, m.name
            FROM dir_group g,
                 (SELECT name FROM dir_user WHERE old.member_kind = 'user' AND id = old.member_id
                  UNION ALL SELECT name FROM dir_group WHERE old.member_kind = 'group' AND id = old.member_id) m
            WHERE g.id = old.group_id;
        END;
        """

    /// Schema v12: a deleted directory's events stop naming its id. Directory ids can be reused,
    /// and a client mapped to a new directory must not be told of the users and groups of a
    /// deleted one that had its id. The events stay (as `-id`, which no directory has), so the
    /// feed's positions, and every client's token, stay valid.
    static let v12 = """
        UPDATE crowd_event SET directory_id = -directory_id
        WHERE directory_id > 0 AND directory_id NOT IN (SELECT id FROM directory);
        CREATE TRIGGER crowd_event_directory_deleted AFTER DELETE ON directory BEGIN
            UPDATE crowd_event SET directory_id = -old.id WHERE directory_id = old.id;
        END;
        """
}
