// swift-tools-version:6.1
import PackageDescription

/// One set of compiler settings for every target, so the whole package is built the same way.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "countersign",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "countersign", targets: ["countersign"]),
        .executable(name: "countersign-bench", targets: ["countersign-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .executableTarget(
            name: "countersign",
            dependencies: [
                "Web", "Services", "Storage", "Audit", "Kernel", "Accounts", "Vouchers", "PDFReader", "Authorization", "Forms", "Counter",
                "CommandSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The benchmarks, their HTTP and WebSocket clients and their documents: measured against the product, never
        // shipped in it (issue #17, part 5). One statistics type (HdrHistogram); `--json` results feed docs/benchmarks.md.
        .executableTarget(
            name: "countersign-bench",
            dependencies: [
                "CommandSupport", "Storage", "Audit", "Kernel", "Accounts", "Vouchers", "Authorization", "Forms", "Counter",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // What both command-line tools share: the database and logging options, the progress bar.
        .target(
            name: "CommandSupport",
            dependencies: [
                "Storage",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Web",
            dependencies: [
                "Services", "Storage", "Audit", "Kernel", "Accounts", "Vouchers", "PDFReader", "Authorization", "Forms", "Counter",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        // The application layer: the desks that carry out what tellers, officers and customers ask, with their
        // domain errors. Knows nothing of HTTP (Web maps the errors' codes to statuses) or of PostgresNIO (Storage).
        .target(
            name: "Services",
            dependencies: [
                "Storage", "Audit", "Kernel", "Accounts", "Vouchers", "PDFReader", "Authorization", "Forms", "Counter", "CXLSX",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Storage",
            dependencies: [
                "Audit", "Kernel", "Accounts", "Authorization", "Counter",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // schema.sql is the migrated schema as pg_dump writes it, for reading (scripts/database-checks.sh keeps it).
            exclude: ["schema.sql"],
            resources: [.copy("Migrations")],
            swiftSettings: swiftSettings
        ),
        // The shared kernel: digests, hex, canonical JSON, timestamps and the clock — what every other module speaks.
        .target(
            name: "Kernel",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto")
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BenchTests",
            dependencies: ["countersign-bench"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KernelTests",
            dependencies: ["Kernel"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Audit",
            dependencies: [
                "Kernel",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Forms",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Counter",
            dependencies: ["Forms", "Kernel", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CounterTests",
            dependencies: ["Counter", "Audit", "Kernel", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FormsTests",
            dependencies: ["Forms"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Authorization",
            dependencies: ["Kernel", "Forms"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AuthorizationTests",
            dependencies: ["Authorization", "Audit", "Kernel", "Forms"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CCrypto",
            linkerSettings: [.linkedLibrary("crypto")]
        ),
        // libxlsxwriter (Debian's libxlsxwriter-dev) writes the reports' XLSX downloads.
        .target(
            name: "CXLSX",
            linkerSettings: [.linkedLibrary("xlsxwriter")]
        ),
        .target(
            name: "CPDF",
            // FreeType (PoDoFo's own dependency) reads the seal's glyph outlines; Debian keeps its headers here.
            cxxSettings: [.define("PODOFO_SHARED"), .unsafeFlags(["-I/usr/include/freetype2"])],
            linkerSettings: [.linkedLibrary("podofo"), .linkedLibrary("freetype"), .linkedLibrary("z"), .linkedLibrary("stdc++")]
        ),
        .target(
            name: "Vouchers",
            dependencies: ["CCrypto", "CPDF", "PDFReader", "Kernel", "Forms", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VouchersTests",
            dependencies: ["Vouchers", "PDFReader", "Forms", "Kernel", "TestSupport", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // Pure Swift, no dependencies: the part of the service that reads PDFs anyone may upload, small enough
        // for scripts/fuzz.sh to build with libFuzzer on its own.
        .target(
            name: "PDFReader",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PDFReaderTests",
            dependencies: ["PDFReader"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Accounts",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: ["Storage", .product(name: "Logging", package: "swift-log")],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AccountsTests",
            dependencies: ["Accounts"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AuditTests",
            dependencies: ["Audit", "Kernel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StorageTests",
            dependencies: [
                "Storage", "Audit", "Kernel", "TestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WebTests",
            dependencies: [
                "Web", "Services", "Storage", "Audit", "Kernel", "TestSupport", "Accounts", "Vouchers", "PDFReader", "Authorization", "Forms",
                "Counter",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ],
    cxxLanguageStandard: .cxx17
)
