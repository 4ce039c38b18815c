// swift-tools-version: 6.1
// Quiver: an embedded vector database for Swift on its own compressed columnar format.
// Module map and dependency direction: Docs/Architecture.md.
import PackageDescription

let package = Package(
  name: "Quiver",
  platforms: [.macOS(.v14)],
  products: [
    .library(name: "QuiverKernels", targets: ["QuiverKernels"]),
    .library(name: "QuiverStorage", targets: ["QuiverStorage"]),
    .library(name: "QuiverFormat", targets: ["QuiverFormat"]),
    .library(name: "QuiverTable", targets: ["QuiverTable"]),
    .library(name: "QuiverIndex", targets: ["QuiverIndex"]),
    .library(name: "QuiverQuery", targets: ["QuiverQuery"]),
    .library(name: "Quiver", targets: ["Quiver"]),
    .library(name: "QuiverExchange", targets: ["QuiverExchange"]),
    .library(name: "QuiverObjectStore", targets: ["QuiverObjectStore"]),
    .library(name: "QuiverS3", targets: ["QuiverS3"]),
    .executable(name: "quiver", targets: ["QuiverCLI"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    // QuiverObjectStore only (S3): the HTTP stack and HMAC-SHA256. Docs/Architecture.md.
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    // `swift package generate-documentation` for the DocC catalogs (Modules/*/*.docc).
    .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
  ],
  targets: [
    .systemLibrary(
      name: "CZstd",
      path: "Modules/CZstd",
      pkgConfig: "libzstd",
      providers: [.apt(["libzstd-dev"]), .brew(["zstd"])]
    ),
    .systemLibrary(
      name: "CSnappy", path: "Modules/CSnappy", providers: [.apt(["libsnappy-dev"]), .brew(["snappy"])]),
    .systemLibrary(
      name: "CZlib", path: "Modules/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    .target(
      name: "CQuiverKernels", path: "Modules/CQuiverKernels",
      linkerSettings: [.linkedLibrary("m")]),
    .target(name: "QuiverKernels", dependencies: ["CQuiverKernels"], path: "Modules/QuiverKernels"),
    .target(name: "QuiverStorage", dependencies: ["QuiverKernels"], path: "Modules/QuiverStorage"),
    .target(
      name: "QuiverFormat", dependencies: ["CZstd", "QuiverKernels", "QuiverStorage"],
      path: "Modules/QuiverFormat"),
    .target(
      name: "QuiverTable", dependencies: ["QuiverFormat", "QuiverKernels", "QuiverStorage"],
      path: "Modules/QuiverTable"),
    .target(name: "CQuiverHNSW", path: "Modules/CQuiverHNSW"),
    .target(
      name: "QuiverIndex",
      dependencies: ["QuiverKernels", "CQuiverKernels", "QuiverStorage", "CQuiverHNSW"],
      path: "Modules/QuiverIndex"),
    .target(
      name: "QuiverQuery",
      dependencies: ["QuiverFormat", "QuiverIndex", "QuiverKernels", "QuiverStorage"],
      path: "Modules/QuiverQuery"),
    .target(
      name: "Quiver",
      dependencies: [
        "QuiverKernels", "QuiverStorage", "QuiverFormat", "QuiverTable", "QuiverIndex",
        "QuiverQuery",
      ],
      path: "Modules/Quiver"),
    .target(
      name: "QuiverExchange",
      dependencies: ["QuiverFormat", "QuiverStorage", "CZstd", "CSnappy", "CZlib"],
      path: "Modules/QuiverExchange"),
    .target(
      name: "QuiverObjectStore",
      dependencies: [
        "QuiverStorage",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
      ],
      path: "Modules/QuiverObjectStore"),
    // `Database(uri: "s3://…")`: Quiver on QuiverObjectStore, a product of its own so that
    // `Quiver` alone never pulls the HTTP stack (Docs/Architecture.md, "QuiverS3").
    .target(
      name: "QuiverS3",
      dependencies: ["Quiver", "QuiverObjectStore", "QuiverStorage", "QuiverTable"],
      path: "Modules/QuiverS3"),
    .executableTarget(
      name: "quiver-query-bench", dependencies: ["Quiver", "QuiverExchange"],
      path: "scripts/bench/QuiverQueryBench"),
    .executableTarget(
      name: "QuiverCLI",
      dependencies: [
        "Quiver", "QuiverExchange", "QuiverFormat", "QuiverIndex", "QuiverKernels", "QuiverQuery",
        "QuiverStorage", "QuiverTable", "QuiverObjectStore", "QuiverS3",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Modules/QuiverCLI"),

    .target(
      name: "QuiverTestSupport",
      dependencies: ["QuiverExchange", "QuiverFormat", "QuiverKernels", "QuiverStorage"],
      path: "Tests/QuiverTestSupport"),
    .testTarget(
      name: "QuiverKernelsTests", dependencies: ["QuiverKernels", "CZstd", "QuiverTestSupport"]),
    .testTarget(name: "QuiverStorageTests", dependencies: ["QuiverStorage", "QuiverTestSupport"]),
    .testTarget(
      name: "QuiverFormatTests",
      dependencies: ["QuiverFormat", "QuiverKernels", "QuiverStorage", "QuiverTestSupport"]),
    .testTarget(
      name: "QuiverTableTests",
      dependencies: [
        "QuiverTable", "QuiverFormat", "QuiverKernels", "QuiverStorage", "QuiverTestSupport",
      ]),
    // Child process of QuiverTableTests' multi-process commit tests.
    .executableTarget(
      name: "QuiverTableWriterTool",
      dependencies: ["QuiverTable", "QuiverFormat", "QuiverObjectStore"],
      path: "Tests/QuiverTableWriterTool"),
    .testTarget(
      name: "QuiverIndexTests",
      dependencies: [
        "QuiverIndex", "QuiverKernels", "QuiverStorage", "QuiverTestSupport", "CQuiverHNSW",
      ]),
    .testTarget(
      name: "QuiverQueryTests",
      dependencies: [
        "QuiverQuery", "QuiverFormat", "QuiverIndex", "QuiverKernels", "QuiverStorage",
        "QuiverTestSupport",
      ]),
    .testTarget(
      name: "QuiverTests", dependencies: ["Quiver", "QuiverKernels", "QuiverTestSupport"]),
    .testTarget(
      name: "QuiverExchangeTests",
      dependencies: ["QuiverExchange", "QuiverFormat", "QuiverKernels", "QuiverTestSupport"]),
    .testTarget(
      name: "QuiverObjectStoreTests",
      dependencies: [
        "QuiverKernels", "QuiverObjectStore", "QuiverStorage", "QuiverTestSupport",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
      ]),
    .testTarget(
      name: "QuiverS3Tests",
      dependencies: [
        "QuiverS3", "Quiver", "QuiverObjectStore", "QuiverStorage", "QuiverTable", "QuiverFormat",
        "QuiverKernels", "QuiverTestSupport",
      ]),
    .testTarget(
      name: "QuiverCLITests",
      dependencies: [
        "QuiverCLI", "QuiverExchange", "QuiverFormat", "QuiverKernels", "QuiverTable",
        "QuiverTestSupport", "QuiverObjectStore",
      ]),
  ],
  swiftLanguageModes: [.v6]
)

// Every Swift target sees a member only through an import of the module that declares it
// (SE-0444), so each target's imports, and the dependencies above, stay honest.
for target in package.targets where target.type != .system {
  target.swiftSettings = (target.swiftSettings ?? []) + [
    .enableUpcomingFeature("MemberImportVisibility")
  ]
}
