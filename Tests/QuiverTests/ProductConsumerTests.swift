import Foundation
import QuiverTestSupport
import Testing

/// Every library product must work for a package that depends on it alone (issue #15): such a
/// package links only what that product brings, so a missing system library (libm for the
/// kernels' `sqrtf`) shows up there and nowhere inside this package.
///
/// One throwaway package in a temporary folder holds one executable per library product, each
/// depending on that product alone (a path dependency on this repository) and making one call
/// of it; the test builds them in one `swift build` (own scratch path, offline: the package's
/// own dependencies resolve from the same places as this package's) and runs each.
@Suite struct ProductConsumerTests {
  /// One call of each library product, printing a line the test checks.
  static let consumers: [String: (source: String, expectedOutput: String)] = [
    "QuiverKernels": (
      """
      import QuiverKernels
      print(try DistanceMetric.cosine.distance([3, 4], [3, 4]))
      """,
      "0.0"
    ),
    "QuiverStorage": (
      """
      import QuiverStorage
      print(try StoragePath("data/x.qvf").appending(name: "y").description)
      """,
      "data/x.qvf/y"
    ),
    "QuiverExchange": (
      """
      import Foundation
      import QuiverExchange
      import QuiverFormat
      let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("quiver-consumer-\\(UUID().uuidString).parquet").path
      defer { try? FileManager.default.removeItem(atPath: path) }
      let batch = try RecordBatch(columns: ["vector": [[3, 4], [5, 12]] as [[Float]]])
      var writer = try ParquetWriter(path: path, schema: batch.schema)
      try writer.write(batch)
      try writer.finish()
      print(try ParquetReader(path: path).rowCount)
      """,
      "2"
    ),
    "QuiverObjectStore": (
      """
      import QuiverObjectStore
      let configuration = try S3Configuration(
        endpoint: "http://127.0.0.1:8333",
        credentials: S3Credentials(accessKeyID: "a", secretAccessKey: "b"))
      print(configuration.host)
      """,
      "127.0.0.1"
    ),
    "QuiverS3": (
      """
      import Foundation
      import Quiver
      import QuiverS3
      let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("quiver-consumer-\\(UUID().uuidString)").path
      defer { try? FileManager.default.removeItem(atPath: path) }
      print(try Database(uri: path).tableNames().count)
      """,
      "0"
    ),
    "QuiverFormat": (
      """
      import QuiverFormat
      let batch = try RecordBatch(columns: ["vector": [[3, 4], [5, 12]] as [[Float]]])
      print(batch.rowCount)
      """,
      "2"
    ),
    "QuiverTable": (
      """
      import Foundation
      import QuiverTable
      let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("quiver-consumer-\\(UUID().uuidString)")
      defer { try? FileManager.default.removeItem(at: url) }
      print(try DatabaseFolder.open(at: url).tableNames().count)
      """,
      "0"
    ),
    "QuiverIndex": (
      """
      import QuiverIndex
      let index = try IVFIndexBuilder(parameters: IVFIndexParameters(type: .ivfFlat, numPartitions: 1))
        .build(vectors: [0, 0, 1, 1, 5, 5, 9, 9], rowIds: [10, 11, 12, 13], dimension: 2)
      print(try index.search([5, 4.5], k: 1, nprobes: 1)[0].id)
      """,
      "12"
    ),
    "QuiverQuery": (
      """
      import QuiverQuery
      print(try FilterParser.parse("price > 5 AND item IN ('foo')").columnNames.sorted())
      """,
      #"["item", "price"]"#
    ),
    "Quiver": (
      """
      import Foundation
      import Quiver
      let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("quiver-consumer-\\(UUID().uuidString)")
      defer { try? FileManager.default.removeItem(at: url) }
      let table = try Database(url: url).createTable(
        "items", data: RecordBatch(columns: ["vector": [[3, 4], [5, 12]] as [[Float]]]))
      print(try table.search([5, 11] as [Float]).limit(1).execute().rowCount)
      """,
      "1"
    ),
  ]

  /// The library products declared in Package.swift, in order.
  static func libraryProducts() throws -> [String] {
    let manifest = try String(
      contentsOf: TestPaths.packageRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
    let pattern = try NSRegularExpression(pattern: #"\.library\(\s*name:\s*"([^"]+)""#)
    let range = NSRange(manifest.startIndex..., in: manifest)
    return pattern.matches(in: manifest, range: range).compactMap { match in
      Range(match.range(at: 1), in: manifest).map { String(manifest[$0]) }
    }
  }

  @Test func everyLibraryProductHasAConsumer() throws {
    let products = try Self.libraryProducts()
    #expect(products.contains("QuiverKernels"))
    for product in products {
      #expect(
        Self.consumers[product] != nil,
        "library product '\(product)' has no consumer in ProductConsumerTests.consumers")
    }
  }

  @Test func eachLibraryProductBuildsAndRunsAlone() async throws {
    let products = try Self.libraryProducts().filter { Self.consumers[$0] != nil }
    let folder = try TestPaths.temporaryDirectory("quiver-consumers")
    defer { try? FileManager.default.removeItem(at: folder) }
    try writeConsumerPackage(products: products, in: folder)

    let build = try await run(
      "/usr/bin/env",
      ["swift", "build", "--package-path", folder.path, "--scratch-path",
       folder.appendingPathComponent(".build").path])
    try #require(build.status == 0, "swift build failed:\n\(build.output)")

    for product in products {
      let executable = folder.appendingPathComponent(".build/debug/\(executableName(product))")
      let result = try await run(executable.path, [])
      #expect(result.status == 0, "\(product): \(result.output)")
      #expect(
        result.output.trimmingCharacters(in: .whitespacesAndNewlines)
          == Self.consumers[product]?.expectedOutput, "\(product)")
    }
  }

  func executableName(_ product: String) -> String { "consumer-\(product)" }

  /// Package.swift and one `main.swift` per product.
  func writeConsumerPackage(products: [String], in folder: URL) throws {
    let targets = products.map { product in
      """
          .executableTarget(
            name: "\(executableName(product))",
            dependencies: [.product(name: "\(product)", package: "\(TestPaths.packageRoot.lastPathComponent)")],
            path: "Sources/\(product)"),
      """
    }
    let manifest = """
      // swift-tools-version: 6.1
      import PackageDescription

      let package = Package(
        name: "QuiverProductConsumers",
        dependencies: [.package(path: "\(TestPaths.packageRoot.path)")],
        targets: [
      \(targets.joined(separator: "\n"))
        ]
      )

      """
    try manifest.write(
      to: folder.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
    for product in products {
      let sources = folder.appendingPathComponent("Sources/\(product)")
      try FileManager.default.createDirectory(at: sources, withIntermediateDirectories: true)
      try (Self.consumers[product]?.source ?? "").write(
        to: sources.appendingPathComponent("main.swift"), atomically: true, encoding: .utf8)
    }
  }

  /// Runs a program and returns its exit status and its output (stdout and stderr together,
  /// into one file). It awaits the exit rather than blocking: the `swift build` takes minutes,
  /// and a test blocking a cooperative thread that long starves the rest of the suite (on two
  /// cores, tests with a time limit timed out before their bodies even ran).
  func run(_ path: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
    let outputURL = try TestPaths.temporaryDirectory("quiver-consumer-output")
      .appendingPathComponent("output.txt")
    defer { try? FileManager.default.removeItem(at: outputURL.deletingLastPathComponent()) }
    FileManager.default.createFile(atPath: outputURL.path, contents: nil)
    let output = try FileHandle(forWritingTo: outputURL)
    defer { try? output.close() }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.standardOutput = output
    process.standardError = output
    process.standardInput = FileHandle.nullDevice
    try await process.start().exited()
    let data = try Data(contentsOf: outputURL)
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }
}
