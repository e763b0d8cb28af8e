import ArgumentParser
import DirectoryOperations
import DirectoryStore

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the database for inconsistencies, and repair what needs no decision.",
        discussion: """
            Looks for what an older schema, a crash of an older build or an edited file can leave
            behind: a damaged file or broken references, memberships of users or groups that no
            longer exist or live in another directory, memberships an app left in a directory it
            no longer provisions, groups that contain themselves through others, names that are
            one name ignoring case and Unicode normalization, and users linked across directories.
            With --repair it removes the memberships that should not exist, in one audited
            transaction, and says what needs the admin for the rest. Exits 1 while something is
            left to fix.

            Examples:
              scimsync doctor
              scimsync doctor --repair
              scimsync doctor --json
            """
    )

    @ParentCommand var root: ScimSyncCommand
    var global: GlobalOptions { root.global }
    @OptionGroup var output: OutputOptions
    @Flag(help: "Remove the memberships that should not exist.") var repair = false

    func run() throws {
        let report = try global.withStore { try $0.checkConsistency(repair: repair, by: global.actor) }
        if output.json {
            try Output.json(report)
        } else {
            for finding in report.findings {
                let state = finding.repaired ? "repaired" : "to fix: \(finding.advice ?? "")"
                Output.line("\(finding.check): \(finding.count) (\(state))")
                for problem in finding.problems { Output.line("  \(problem)") }
                if finding.count > finding.problems.count { Output.line("  … and \(finding.count - finding.problems.count) more") }
            }
            Output.line(report.findings.isEmpty ? "no problems found" : report.healthy ? "everything found was repaired" : "problems remain")
        }
        if !report.healthy { throw ExitCode(1) }
    }
}
