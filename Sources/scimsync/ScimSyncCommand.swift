import ArgumentParser

@main
struct ScimSyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scimsync",
        abstract: "Administer ScimSync: directories, IdP apps, their tokens and sync rules, the directory, backups.",
        discussion: """
            The database is named by --database or $SCIMSYNC_DATABASE (default ./scimsync.sqlite).

            Examples:
              scimsync init
              scimsync directory create staff
              scimsync app create okta-prod --provider okta --directory staff
              scimsync token rotate okta-prod --grace-minutes 60
              scimsync rules set okta-prod --existing-users adopt --dry-run
              scimsync sync --app okta-prod
              scimsync user list --directory staff --json
              scimsync backup --output /var/backups/scimsync/latest.sqlite
              scimsync doctor --repair
              scimsync admin create alice
            """,
        subcommands: [
            InitCommand.self, DirectoryCommand.self, AppCommand.self, TokenCommand.self, RulesCommand.self, SyncCommand.self,
            UserCommand.self, GroupCommand.self, AuditCommand.self, SettingsCommand.self, ExportCommand.self, ImportCommand.self,
            BackupCommand.self, RestoreCommand.self, DoctorCommand.self, StatsCommand.self, ClientCommand.self, AdminCommand.self,
        ]
    )

    @OptionGroup var global: GlobalOptions
}
