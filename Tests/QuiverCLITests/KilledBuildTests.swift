import Foundation
import Dispatch
import QuiverKernels
import QuiverTable
import QuiverTestSupport
import Testing

/// `quiver index` and `quiver optimize` killed with SIGKILL at seeded points (issue 12): the
/// table opens, the version before stays fully usable (searches give the same rows as before),
/// no index entry of the latest version points at missing files, and `quiver cleanup` removes
/// what the killed writers left.
@Suite struct KilledBuildTests {
  /// A query: row 7 of the MiniLM fixture.
  let vector: String

  init() throws {
    let base = try Data(
      contentsOf: TestPaths.fixtures.appendingPathComponent("minilm-2k/base.fvecs"))
    let start = 7 * (4 + 384 * 4) + 4
    vector = (0..<384).map { index in
      let bits = (0..<4).reduce(UInt32(0)) { $0 | UInt32(base[start + index * 4 + $1]) << (8 * $1) }
      return "\(Float(bitPattern: bits))"
    }.joined(separator: ",")
  }

  /// The first `rows` rows of the MiniLM fixture as an .fvecs file in `scratch`.
  func fixtureRows(_ rows: Range<Int>, in scratch: ScratchFolder) throws -> String {
    let base = try Data(
      contentsOf: TestPaths.fixtures.appendingPathComponent("minilm-2k/base.fvecs"))
    let rowBytes = 4 + 384 * 4
    let path = scratch.path("rows\(rows.lowerBound)-\(rows.upperBound).fvecs")
    try Data(base[(rows.lowerBound * rowBytes)..<(rows.upperBound * rowBytes)])
      .write(to: URL(fileURLWithPath: path))
    return path
  }

  /// The distances of the 10 nearest rows, through the index unless `exact` (IVF_FLAT probing
  /// every partition is exact too). Row ids change when a compaction moves rows; distances do
  /// not.
  func nearest(_ table: String, exact: Bool) throws -> [Double] {
    let result = try runQuiver(
      ["search", table, "--vector", vector, "--limit", "10", "--nprobes", "4", "--json"]
        + (exact ? ["--bypass-index"] : []))
    #expect(result.status == 0, "\(result.standardError)")
    let queries = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8))
    let rows = ((queries as? [[String: Any]])?.first?["results"] as? [[String: Any]]) ?? []
    return rows.compactMap { $0["_distance"] as? Double }
  }

  /// Runs `quiver` with `arguments` and kills it with SIGKILL once `ready` says so, given the
  /// lines it wrote to standard error so far (polled every 0.2 ms); returns whether it was
  /// killed before it exited.
  func runKilled(_ arguments: [String], when ready: ([String]) -> Bool) throws -> Bool {
    let process = Process()
    process.executableURL = quiverExecutable()
    process.arguments = arguments
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    let exit = try process.start()
    let collector = LineCollector(errors.fileHandleForReading)
    var killed = false
    while true {
      let (lines, ended) = collector.snapshot()
      if ready(lines) {
        kill(process.processIdentifier, SIGKILL)
        killed = !ended
        break
      }
      if ended { break }
      usleep(200)
    }
    collector.waitForEnd()
    exit.wait()
    return killed && process.terminationReason == .uncaughtSignal
  }

  /// Checks the table after a kill: it opens and verifies, searches give `expected`, and every
  /// index of the latest version has its files.
  func expectUsable(
    _ table: String, expected: [Double], sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let verify = try runQuiver(["inspect", table, "--verify"])
    #expect(verify.status == 0, "\(verify.standardError)", sourceLocation: sourceLocation)
    // Exactly: a compaction regroups rows into new fragments, but every kernel sums a row's
    // distance in one order fixed by the dimension.
    for found in [try nearest(table, exact: true), try nearest(table, exact: false)] {
      #expect(found == expected, sourceLocation: sourceLocation)
    }
    let dataset = try Dataset.open(at: URL(fileURLWithPath: table))
    for entry in dataset.indices {
      let folder = try dataset.indexFolder(uuid: entry.uuid)
      for file in ["ivf.meta", "ivf.partitions"] {
        #expect(
          FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path),
          "index '\(entry.name)' has no \(file)", sourceLocation: sourceLocation)
      }
    }
  }

  /// Removes what the killed writers left and checks that every index folder and data file
  /// left belongs to a version; returns the files removed.
  func cleanedUp(_ table: String) throws -> Int {
    let cleanup = try runQuiver(["cleanup", table, "--grace-period", "0", "--json"])
    #expect(cleanup.status == 0, "\(cleanup.standardError)")
    let dataset = try Dataset.open(at: URL(fileURLWithPath: table))
    var indexFolders = Set<String>()
    var dataFiles = Set<String>()
    for version in try dataset.versions() {
      let checkedOut = try dataset.checkout(version: version.version)
      indexFolders.formUnion(checkedOut.indices.map(\.uuid))
      for fragment in checkedOut.fragments {
        dataFiles.formUnion(fragment.dataFiles.map { URL(fileURLWithPath: $0.path).lastPathComponent })
      }
    }
    let root = URL(fileURLWithPath: table)
    let folders = (try? FileManager.default.contentsOfDirectory(
      atPath: root.appendingPathComponent("_indices").path)) ?? []
    // Every index folder no version refers to must be gone, files and all, and so must an empty
    // one (a build killed after it made its folder, before its first file).
    for folder in Set(folders).subtracting(indexFolders) {
      let inside = try FileManager.default.contentsOfDirectory(
        atPath: root.appendingPathComponent("_indices/\(folder)").path)
      #expect(inside.isEmpty, "unreferenced index folder \(folder) still holds \(inside)")
      Issue.record("unreferenced index folder \(folder) left behind")
    }
    let files = try FileManager.default.contentsOfDirectory(
      atPath: root.appendingPathComponent("data").path)
    #expect(Set(files).isSubset(of: dataFiles), "\(files) \(dataFiles)")
    let report = try JSONSerialization.jsonObject(with: Data(cleanup.standardOutput.utf8))
    return ((report as? [String: Any])?["removed_files"] as? [Any])?.count ?? 0
  }

  @Test func aKilledIndexBuildLeavesThePreviousVersionUsable() throws {
    let scratch = try ScratchFolder()
    let table = scratch.path("t.quiver")
    #expect(try runQuiver(["convert", try fixtureRows(0..<1000, in: scratch), table]).status == 0)
    let expected = try nearest(table, exact: true)
    #expect(expected.count == 10)
    var generator = SeededGenerator(seed: 12)
    var kills = 0
    // Killed after a number of lines on standard error: the first says the build starts, then
    // one per phase (sampling, training, assigning with spills, writing); each point once, in
    // a seeded order.
    for lines in [2, 3, 4, 5].shuffled(using: &generator) {
      kills += try runKilled(
        ["index", table, "--type", "IVF_FLAT", "--num-partitions", "4", "--memory-budget", "64K"]
      ) { $0.count >= lines } ? 1 : 0
      try expectUsable(table, expected: expected)
    }
    #expect(kills > 0)
    #expect(try cleanedUp(table) > 0)
    try expectUsable(table, expected: expected)
  }

  @Test func aKilledOptimizeLeavesThePreviousVersionUsable() throws {
    let scratch = try ScratchFolder()
    let table = scratch.path("t.quiver")
    #expect(try runQuiver(["convert", try fixtureRows(0..<600, in: scratch), table]).status == 0)
    #expect(
      try runQuiver(["index", table, "--type", "IVF_FLAT", "--num-partitions", "4", "--quiet"])
        .status == 0)
    let folders = ["data", "_indices", "_versions"].map {
      URL(fileURLWithPath: table).appendingPathComponent($0).path
    }
    func fileCount() -> Int {
      folders.reduce(0) {
        $0 + ((try? FileManager.default.subpathsOfDirectory(atPath: $1))?.count ?? 0)
      }
    }
    var generator = SeededGenerator(seed: 21)
    var kills = 0
    for round in 0..<4 {
      // New rows each round, so that every optimize has fragments to compact and rows to add.
      let rows = try fixtureRows((600 + round * 100)..<(700 + round * 100), in: scratch)
      #expect(try runQuiver(["convert", rows, table, "--mode", "append"]).status == 0)
      let expected = try nearest(table, exact: true)
      // optimize prints no progress: it is killed once a seeded number of new files appeared.
      let before = fileCount()
      let newFiles = Int.random(in: 1...4, using: &generator)
      kills += try runKilled(
        ["optimize", table, "--skip-cleanup", "--target-rows-per-fragment", "1000"]
      ) { _ in fileCount() >= before + newFiles } ? 1 : 0
      try expectUsable(table, expected: expected)
    }
    #expect(kills > 0)
    _ = try cleanedUp(table)
    try expectUsable(table, expected: try nearest(table, exact: true))
  }
}

/// The lines a child writes to a pipe, read on a background thread until the pipe closes.
///
/// `@unchecked Sendable`: `lines` and `ended` are touched only while holding `lock`.
private final class LineCollector: @unchecked Sendable {
  private let lock = NSLock()
  private var lines: [String] = []
  private var ended = false
  private let finished = DispatchSemaphore(value: 0)

  init(_ handle: FileHandle) {
    DispatchQueue.global().async { [self] in
      var pending = Data()
      while true {
        let chunk = handle.availableData
        if chunk.isEmpty { break }
        pending += chunk
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
          let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
          pending = Data(pending[(newline + 1)...])
          lock.withLock { lines.append(line) }
        }
      }
      lock.withLock { ended = true }
      finished.signal()
    }
  }

  /// The lines so far, and whether the pipe has closed.
  func snapshot() -> ([String], Bool) { lock.withLock { (lines, ended) } }

  /// Blocks until the pipe has closed.
  func waitForEnd() { finished.wait() }
}
