// swift-tools-version:6.1
// The libFuzzer targets (scripts/fuzz.sh). A package of its own, so that the root package's
// `swift build` knows nothing of them: they only build with `-sanitize=fuzzer,address`.
import PackageDescription

let root = "ScimSync"

// gold fails with an internal error on these executables (sanitized code, `main` defined by
// SwiftPM's --defsym); the toolchain's lld links them.
let lld: [LinkerSetting] = [.unsafeFlags(["-use-ld=lld"])]

/// One fuzz target: Sources/fuzz-NAME, with FuzzSupport and `dependencies`.
func fuzzTarget(_ name: String, _ dependencies: [String]) -> Target {
    .executableTarget(
        name: "fuzz-\(name)",
        dependencies: ["FuzzSupport"] + dependencies.map { .product(name: $0, package: root) },
        linkerSettings: lld
    )
}

let package = Package(
    name: "ScimSyncFuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: root, path: "..")],
    targets: [
        .target(name: "CLibFuzzer"),
        .target(
            name: "FuzzSupport",
            dependencies: [
                "CLibFuzzer",
                .product(name: "SCIM", package: root),
                .product(name: "DirectoryStore", package: root),
            ]
        ),
        fuzzTarget("json", ["SCIM"]),
        fuzzTarget("filter", ["SCIM", "DirectoryStore"]),
        fuzzTarget("patch", ["SCIM", "SyncRules"]),
        fuzzTarget("query", ["SCIM", "ScimService", "DirectoryStore"]),
        fuzzTarget("config", ["ConfigDocument", "SyncRules", "DirectoryStore", "DirectoryOperations"]),
        fuzzTarget("rules", ["SyncRules", "SCIM"]),
        fuzzTarget("crowd", ["CrowdService", "DirectoryStore"]),
    ]
)
