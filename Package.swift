// swift-tools-version: 6.1
// Quiver: an embedded vector database for Swift on its own compressed columnar format.
// Module map and dependency direction: Docs/Architecture.md.
import PackageDescription

let package = Package(
  name: "Quiver",
  platforms: [.macOS(.v14)],
  products: [
    .library(name: "QuiverKernels", targets: ["QuiverKernels"]),
    .library(name: "QuiverFormat", targets: ["QuiverFormat"]),
    .library(name: "QuiverTable", targets: ["QuiverTable"]),
    .library(name: "QuiverIndex", targets: ["QuiverIndex"]),
    .library(name: "QuiverQuery", targets: ["QuiverQuery"]),
    .library(name: "Quiver", targets: ["Quiver"]),
    .executable(name: "quiver", targets: ["QuiverCLI"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
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
    .target(
      name: "CQuiverKernels", path: "Modules/CQuiverKernels",
      linkerSettings: [.linkedLibrary("m")]),
    .target(name: "QuiverKernels", dependencies: ["CQuiverKernels"], path: "Modules/QuiverKernels"),
    .target(
      name: "QuiverFormat", dependencies: ["CZstd", "QuiverKernels"], path: "Modules/QuiverFormat"),
    .target(
      name: "QuiverTable", dependencies: ["QuiverFormat", "QuiverKernels"],
      path: "Modules/QuiverTable"),
    .target(name: "CQuiverHNSW", path: "Modules/CQuiverHNSW"),
    .target(
      name: "QuiverIndex", dependencies: ["QuiverKernels", "CQuiverKernels", "CQuiverHNSW"],
      path: "Modules/QuiverIndex"),
    .target(
      name: "QuiverQuery", dependencies: ["QuiverFormat", "QuiverIndex", "QuiverKernels"],
      path: "Modules/QuiverQuery"),
    .target(
      name: "Quiver",
      dependencies: ["QuiverKernels", "QuiverFormat", "QuiverTable", "QuiverIndex", "QuiverQuery"],
      path: "Modules/Quiver"),
    .executableTarget(
      name: "quiver-query-bench", dependencies: ["Quiver"], path: "scripts/bench/QuiverQueryBench"),
    .executableTarget(
      name: "QuiverCLI",
      dependencies: [
        "Quiver", "QuiverFormat", "QuiverIndex", "QuiverKernels", "QuiverQuery", "QuiverTable",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Modules/QuiverCLI"),

    .target(name: "QuiverTestSupport", dependencies: ["QuiverFormat"], path: "Tests/QuiverTestSupport"),
    .testTarget(
      name: "QuiverKernelsTests", dependencies: ["QuiverKernels", "CZstd", "QuiverTestSupport"]),
    .testTarget(
      name: "QuiverFormatTests", dependencies: ["QuiverFormat", "QuiverKernels", "QuiverTestSupport"]),
    .testTarget(
      name: "QuiverTableTests",
      dependencies: ["QuiverTable", "QuiverFormat", "QuiverKernels", "QuiverTestSupport"]),
    // Child process of QuiverTableTests' multi-process commit tests.
    .executableTarget(
      name: "QuiverTableWriterTool", dependencies: ["QuiverTable", "QuiverFormat"],
      path: "Tests/QuiverTableWriterTool"),
    .testTarget(
      name: "QuiverIndexTests", dependencies: ["QuiverIndex", "QuiverKernels", "QuiverTestSupport"]),
    .testTarget(
      name: "QuiverQueryTests",
      dependencies: ["QuiverQuery", "QuiverFormat", "QuiverIndex", "QuiverKernels", "QuiverTestSupport"]),
    .testTarget(name: "QuiverTests", dependencies: ["Quiver", "QuiverTestSupport"]),
    .testTarget(name: "QuiverCLITests", dependencies: ["QuiverCLI", "QuiverTestSupport"]),
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
