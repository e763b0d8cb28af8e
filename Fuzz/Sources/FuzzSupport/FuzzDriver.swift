import CLibFuzzer
import Foundation

/// Each target's `main`: hands the command line to libFuzzer's driver.
///
/// SwiftPM links an executable's entry point as `main` itself, so libFuzzer's own `main` cannot
/// be used (`-parse-as-library` leaves that symbol undefined); its driver can.
public enum FuzzDriver {
    public typealias TestOneInput = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    /// The stack of a responder worker (FastCGI's `WorkerThread`): every input runs on one this
    /// size, so a recursion that would overflow a worker overflows here.
    static let workerStackSize = 4 << 20

    public static func run(_ testOneInput: TestOneInput) -> Never {
        let driver = Thread {
            var argc = CommandLine.argc
            var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
            exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
        }
        driver.stackSize = workerStackSize
        driver.start()
        while true { sleep(3600) }
    }
}
