import DirectoryStore

/// Prints the directory changes of a synchronization or a rules preview.
enum ChangeReport {
    private struct Document: Encodable {
        var dryRun: Bool
        var changes: [DirectoryChange]
    }

    static func print(_ changes: [DirectoryChange], dryRun: Bool, json: Bool) throws {
        if json { return try Output.json(Document(dryRun: dryRun, changes: changes)) }
        for change in changes { Output.line("\(change.description)") }
        Output.line(changes.isEmpty ? "no changes" : "\(changes.count) change\(changes.count == 1 ? "" : "s")")
        if dryRun { Output.line("dry run: nothing was changed") }
    }
}
