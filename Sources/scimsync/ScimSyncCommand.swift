import ArgumentParser

@main
struct ScimSyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scimsync",
        abstract: "Administer ScimSync: directories, IdP apps and their tokens, the directory's users, backups.",
        discussion: """
            The database is named by --database or $SCIMSYNC_DATABASE (default ./scimsync.sqlite).

            Examples:
              scimsync init
              scimsync directory create staff
              scimsync app create okta-prod --provider okta --directory staff
              scimsync token rotate okta-prod --grace-minutes 60
              scimsync user list --directory staff --json
              scimsync backup --output /var/backups/scimsync/latest.sqlite
            """,
        subcommands: [InitCommand.self, DirectoryCommand.self, AppCommand.self, TokenCommand.self, UserCommand.self, AuditCommand.self,
                      BackupCommand.self, RestoreCommand.self]
    )

    @OptionGroup var global: GlobalOptions
}
