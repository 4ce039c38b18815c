import Foundation
import Quiver
import QuiverTestSupport
import Testing

@Test func quiverReexportsTheKernels() throws {
  #expect(try DistanceMetric.l2.distance([1, 2], [4, 6]) == 25)
}

/// `import Quiver` is the front door: it shows the data model, the metrics, the index
/// configuration and the errors, and none of the layers' machinery. These tests type-check small
/// programs against the built modules with `swiftc`, as a user's package would see them.
@Suite struct FrontDoorTests {
  /// Names a user of `import Quiver` writes; each must resolve.
  static let userNames = [
    "Database", "Table", "IndexConfig", "VectorSearch", "BatchVectorSearch", "TableScan",
    "RecordBatch", "Schema", "Field", "DataType", "Column", "ColumnValue", "DistanceMetric",
    "IndexType", "IndexEntry", "VersionInfo", "CreateMode", "SearchStatistics",
    "FormatError", "TableError", "IndexError", "QueryError", "KernelError", "MemoryBudget",
    "IndexBuildProgress",
  ]

  /// Every public type of the library modules whose name says it is storage machinery: a
  /// manifest, a page, a checksum or a scratch buffer (found in the sources, so a new one is
  /// covered without editing this test), plus a few other internals named by issue #11.
  static func machineryNames() throws -> [String] {
    let pattern = try NSRegularExpression(
      pattern: #"^public (?:final class|class|struct|enum|indirect enum|protocol|actor|typealias) (\w+)"#,
      options: .anchorsMatchLines)
    var names: Set<String> = [
      "Dataset", "DatabaseFolder", "DataFileReader", "DataFileWriter", "FilterParser",
      "HNSWGraph", "IVFIndex",
    ]
    let modules = TestPaths.packageRoot.appendingPathComponent("Modules")
    guard let files = FileManager.default.enumerator(at: modules, includingPropertiesForKeys: nil)
    else { return names.sorted() }
    for case let file as URL in files where file.pathExtension == "swift" {
      guard !file.path.contains("/QuiverCLI/") else { continue }
      let text = try String(contentsOf: file, encoding: .utf8)
      for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
        guard let range = Range(match.range(at: 1), in: text) else { continue }
        let name = String(text[range])
        if ["Manifest", "Page", "Checksum", "CRC", "Scratch"].contains(where: name.contains) {
          names.insert(name)
        }
      }
    }
    return names.sorted()
  }

  @Test func userNamesResolveWithStrictMemberImports() throws {
    let source = """
      import Quiver
      func use(_ table: Table, _ batch: RecordBatch) throws {
        let _: [Any.Type] = [\(Self.userNames.map { "\($0).self" }.joined(separator: ", "))]
        _ = batch.schema.fields.map(\\.name)
        _ = table.indices.map(\\.indexType)
        _ = try table.search([1, 2] as [Float]).limit(1).execute().rowCount
        _ = IndexConfig.ivfPQ(metric: .cosine, numPartitions: 4).metric
      }
      func describe(_ error: TableError, _ cause: FormatError) -> String {
        let located = error.sourceFile + String(error.sourceLine) + String(error.underlying == nil)
        return error.code.rawValue + error.message + cause.description + located
      }
      """
    let result = try typeCheck(source, strictMemberImports: true)
    #expect(result.status == 0, "\(result.output)")
  }

  @Test func machineryIsNotVisible() throws {
    let names = try Self.machineryNames()
    #expect(names.contains("Manifest"))
    #expect(names.contains("RowChecksumLayout"))
    #expect(names.contains("HNSWSearchScratch"))
    let source = "import Quiver\n"
      + names.enumerated().map { "let name\($0.offset): Any.Type = \($0.element).self" }
      .joined(separator: "\n")
    let result = try typeCheck(source, strictMemberImports: false)
    #expect(result.status != 0)
    for name in names {
      #expect(
        result.output.contains("cannot find '\(name)' in scope"),
        "'\(name)' is visible through `import Quiver`")
    }
  }

  /// Type-checks `source` against the modules built for this test run.
  func typeCheck(_ source: String, strictMemberImports: Bool) throws -> (
    status: Int32, output: String
  ) {
    let folder = try TestPaths.temporaryDirectory("quiver-front-door")
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("main.swift")
    try source.write(to: file, atomically: true, encoding: .utf8)

    let buildFolder = quiverExecutable().deletingLastPathComponent()
    var arguments = ["swiftc", "-typecheck", file.path, "-I", buildFolder.appendingPathComponent("Modules").path]
    if strictMemberImports {
      arguments += ["-enable-upcoming-feature", "MemberImportVisibility"]
    }
    // The C modules the Swift modules import: SwiftPM's generated module maps of the C targets
    // and the system-library targets' own.
    var moduleMaps: [URL] = []
    for folder in try FileManager.default.contentsOfDirectory(
      at: buildFolder, includingPropertiesForKeys: nil) where folder.pathExtension == "build" {
      moduleMaps.append(folder.appendingPathComponent("module.modulemap"))
    }
    for folder in try FileManager.default.contentsOfDirectory(
      at: TestPaths.packageRoot.appendingPathComponent("Modules"), includingPropertiesForKeys: nil)
    {
      moduleMaps.append(folder.appendingPathComponent("module.modulemap"))
    }
    for map in moduleMaps where FileManager.default.fileExists(atPath: map.path) {
      arguments += ["-Xcc", "-fmodule-map-file=\(map.path)"]
    }

    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    let exit = try process.start()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    exit.wait()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }
}
