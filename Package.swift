// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "ScimSync",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "scimsync-fcgi", targets: ["scimsync-fcgi"]),
        .executable(name: "scimsync", targets: ["scimsync"]),
        .executable(name: "bare-fcgi", targets: ["bare-fcgi"]),
        // Libraries for the fuzz package (Fuzz/Package.swift), which depends on this one by path.
        .library(name: "SCIM", targets: ["SCIM"]),
        .library(name: "SyncRules", targets: ["SyncRules"]),
        .library(name: "ConfigDocument", targets: ["ConfigDocument"]),
        .library(name: "DirectoryStore", targets: ["DirectoryStore"]),
        .library(name: "DirectoryOperations", targets: ["DirectoryOperations"]),
        .library(name: "ScimService", targets: ["ScimService"]),
        .library(name: "CrowdService", targets: ["CrowdService"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // The C library libfcgi (Debian libfcgi-dev), seen through a shim header.
        .systemLibrary(
            name: "CFastCGI",
            pkgConfig: "fcgi",
            providers: [.apt(["libfcgi-dev"])]
        ),
        // The C library PCRE2 (Debian libpcre2-dev), 8-bit code units, seen through a shim header.
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"])]
        ),
        // SQLite's variadic sqlite3_db_config (defensive mode), callable from Swift through a shim.
        .systemLibrary(
            name: "CSQLiteHardening",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // SQLite's default VFS with a WAL file's writes gathered: one write per commit, not two per page.
        .target(name: "CWALWriter", linkerSettings: [.linkedLibrary("sqlite3")]),
        // A multi-threaded FastCGI responder loop over libfcgi; knows nothing of SCIM.
        .target(name: "FastCGI", dependencies: ["CFastCGI"]),
        // The SCIM 2.0 protocol: JSON, schemas, filters, PATCH, errors. Pure, no I/O.
        .target(name: "SCIM"),
        // The sync rules that derive the directory view from an IdP view. Pure, no I/O.
        .target(name: "SyncRules", dependencies: ["SCIM", "CPCRE2"]),
        // The configuration export document: format, versions, validation. Pure, no I/O.
        .target(name: "ConfigDocument", dependencies: ["SCIM", "SyncRules", "AppTraffic"]),
        // SQLite storage of directories, apps, tokens, IdP views, directory view and audit.
        .target(
            name: "DirectoryStore",
            dependencies: [
                "SCIM", "SyncRules", "ConfigDocument", "CSQLiteHardening", "CWALWriter", "AppTraffic",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // Each app's traffic, shared by every responder process through one mapped file beside the
        // database: the rate limit's token bucket and the counters of `scimsync stats`.
        .target(name: "AppTraffic"),
        // What only the admin tool does with a whole database: configuration export and import,
        // snapshots (backup, restore) and the consistency check. The responder does not link it.
        .target(
            name: "DirectoryOperations",
            dependencies: [
                "DirectoryStore", "SCIM", "SyncRules", "ConfigDocument",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // HTTP-agnostic SCIM service: request in, response out (routing, auth, SCIM semantics).
        .target(
            name: "ScimService",
            dependencies: [
                "SCIM", "SyncRules", "DirectoryStore", "AppTraffic",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // Atlassian Crowd's REST API for applications over the directory view, read-only.
        .target(
            name: "CrowdService",
            dependencies: ["SCIM", "DirectoryStore", "ScimService"]
        ),
        // The admin web console under /admin/: server-rendered pages over the store's operations.
        .target(
            name: "AdminConsole",
            dependencies: ["ScimService", "DirectoryStore", "DirectoryOperations", "ConfigDocument", "SyncRules", "SCIM", "AppTraffic"]
        ),
        .executableTarget(
            name: "scimsync-fcgi",
            dependencies: [
                "FastCGI", "ScimService", "CrowdService", "AdminConsole", "DirectoryStore", "AppTraffic",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "scimsync",
            dependencies: [
                "DirectoryStore", "DirectoryOperations", "SyncRules", "SCIM", "ConfigDocument", "AppTraffic",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The benchmark ceiling: the same libfcgi loop answering a fixed 1 KB JSON document.
        .executableTarget(name: "bare-fcgi", dependencies: ["FastCGI"]),
        // What the test targets share: temporary directories, the tests' admin, JSON text helpers.
        .target(name: "TestSupport", dependencies: ["SCIM", "DirectoryStore"], path: "Tests/TestSupport"),
        .testTarget(name: "SCIMTests", dependencies: ["SCIM", "TestSupport"]),
        .testTarget(name: "SyncRulesTests", dependencies: ["SyncRules", "SCIM"]),
        .testTarget(name: "ConfigDocumentTests", dependencies: ["ConfigDocument", "SyncRules", "SCIM", "AppTraffic"]),
        .testTarget(
            name: "DirectoryStoreTests",
            dependencies: ["DirectoryStore", "DirectoryOperations", "SyncRules", "SCIM", "CSQLiteHardening", "CWALWriter", "TestSupport"],
            // Databases made by earlier schemas, read by path (see MigrationTests).
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "ScimServiceTests", dependencies: ["ScimService", "DirectoryStore", "SCIM", "AppTraffic", "TestSupport"]),
        .testTarget(name: "CrowdServiceTests", dependencies: ["CrowdService", "DirectoryStore", "ScimService", "SCIM", "TestSupport"]),
        .testTarget(name: "AppTrafficTests", dependencies: ["AppTraffic"]),
        .testTarget(name: "FastCGITests", dependencies: ["FastCGI"]),
        .testTarget(name: "AdminConsoleTests", dependencies: ["AdminConsole", "ScimService", "DirectoryStore", "TestSupport"]),
        // The admin tool's own logic (escaping for the terminal, who the actor is), tested in-process.
        .testTarget(name: "scimsyncTests", dependencies: ["scimsync", "DirectoryStore", "DirectoryOperations"]),
    ]
)
