import Foundation
import QuiverTestSupport
import Testing

@testable import QuiverTable

/// `quiver inspect --verify` on damage behind valid checksums, in the inspected version or an
/// older one still on disk: it names the problem and exits 65, never 0 and never a trap.
@Suite struct InspectVerifyTests {
  /// `makeTwoVersionTable`, as a URL.
  func makeTable(in scratch: ScratchFolder) throws -> URL {
    URL(fileURLWithPath: try makeTwoVersionTable(in: scratch))
  }

  /// Rewrites the manifest of `version` with `change`, with a valid checksum.
  func forge(_ table: URL, version: UInt64, _ change: (inout Manifest) -> Void) throws {
    let url = TableLayout(root: table).manifestURL(version)
    var manifest = try ManifestCodec.decode(Array(try Data(contentsOf: url)), source: url)
    change(&manifest)
    let bytes = try ManifestCodec.encode(manifest)
    try FileManager.default.removeItem(at: url)
    try Data(bytes).write(to: url)
  }

  func expectDamage(_ table: URL, mentions: [String], sourceLocation: SourceLocation = #_sourceLocation)
    throws
  {
    let result = try runQuiver(["inspect", table.path, "--verify"])
    #expect(result.status == 65, "\(result.standardError)", sourceLocation: sourceLocation)
    for fragment in mentions {
      #expect(
        result.standardError.contains(fragment) || result.standardOutput.contains(fragment),
        "mentions '\(fragment)': \(result.standardError)", sourceLocation: sourceLocation)
    }
  }

  @Test func aCleanTableVerifies() throws {
    let scratch = try ScratchFolder()
    let table = try makeTable(in: scratch)
    let result = try runQuiver(["inspect", table.path, "--verify"])
    #expect(result.status == 0, "\(result.standardError)")
  }

  @Test func anOlderVersionWithARepeatedFragmentID() throws {
    let scratch = try ScratchFolder()
    let table = try makeTable(in: scratch)
    try forge(table, version: 1) { $0.fragments.append($0.fragments[0]) }
    try expectDamage(table, mentions: ["version 1", "lists fragment 0 twice"])
  }

  @Test func anOlderVersionDisagreeingWithItsDataFile() throws {
    let scratch = try ScratchFolder()
    let table = try makeTable(in: scratch)
    try forge(table, version: 1) { $0.fragments[0].physicalRowCount = 5 }
    try expectDamage(table, mentions: ["version 1", "has 6 rows, the manifest says 5"])
  }

  @Test func theInspectedVersionWithAHugeRowCountOrSize() throws {
    let scratch = try ScratchFolder()
    let table = try makeTable(in: scratch)
    try forge(table, version: 2) {
      $0.fragments[1].physicalRowCount = Int.max
      $0.fragments[1].dataFiles[0].sizeBytes = Int.max
    }
    // The inspected manifest itself is refused: a Quiver error, status 1.
    let result = try runQuiver(["inspect", table.path, "--verify"])
    expectOneLineFailure(result, status: 1, mentions: ["corruptManifest", "row count \(Int.max)"])
  }

  @Test func aDataFileSwappedForAnotherOfTheSameSize() throws {
    let scratch = try ScratchFolder()
    let table = try makeTable(in: scratch)
    let layout = TableLayout(root: table)
    let second = try layout.readManifest(2).fragments[1].dataFiles[0]
    // Fragment 0 keeps its recorded size and row count, but points at fragment 1's file with
    // one row fewer claimed: the footer's row count is what differs.
    try forge(table, version: 2) {
      $0.fragments[0].dataFiles[0] = second
      $0.fragments[0].physicalRowCount = 7
    }
    try expectDamage(table, mentions: ["version 2", "has 6 rows, the manifest says 7"])
  }
}
