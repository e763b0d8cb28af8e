import DirectoryStore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension AdminActor {
    /// The operating-system user running this command, as the audit records every change it makes:
    /// the effective user's name (`root`), followed by the user sudo was run by when there is one
    /// (`root (sudo: alice)`). `SUDO_USER` is what sudo sets; anyone can set it, so it only ever
    /// adds to the effective user, which it cannot hide.
    static let operatingSystemUser = AdminActor(
        describing: geteuid(),
        sudoUser: ProcessInfo.processInfo.environment["SUDO_USER"]
    )

    /// `name (sudo: sudoUser)`, where `name` is the user `uid`'s name, or `uid N` when it has none.
    init(describing uid: uid_t, sudoUser: String?) {
        let name = getpwuid(uid).flatMap { $0.pointee.pw_name.map { String(cString: $0) } } ?? "uid \(uid)"
        guard let sudoUser, !sudoUser.isEmpty, sudoUser != name else {
            self.init(name)
            return
        }
        self.init("\(name) (sudo: \(sudoUser))")
    }
}
