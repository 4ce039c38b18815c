import Foundation
import QuiverIndex
import QuiverTestSupport
import Testing

/// The two files (model and partitions) of an index written into a new folder, with their intact
/// bytes, and the damage every such index must refuse with a typed error, whatever its type.
struct IndexFileDamage {
  /// The folder holding the index.
  let folder: URL
  /// The model file and its intact bytes.
  let model: URL
  let goodModel: Data
  /// The partitions file and its intact bytes.
  let partitions: URL
  let goodPartitions: Data

  /// Writes `index` into a new folder, where its files are named `model` and `partitions`, and
  /// runs `body` on them; removes the folder afterwards.
  static func withFiles(
    of index: some VectorIndex, model: String, partitions: String,
    _ body: (IndexFileDamage) throws -> Void
  ) throws {
    let folder = try TestPaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    try index.write(to: folder)
    let modelURL = folder.appendingPathComponent(model)
    let partitionsURL = folder.appendingPathComponent(partitions)
    try body(
      IndexFileDamage(
        folder: folder, model: modelURL, goodModel: try Data(contentsOf: modelURL),
        partitions: partitionsURL, goodPartitions: try Data(contentsOf: partitionsURL)))
  }

  /// Expects `body` to throw an `IndexError` with `code`; `label` names the damage in failures.
  static func expect(
    _ code: IndexError.Code, _ label: String, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
  ) {
    let error = #expect(throws: IndexError.self, "\(label)", sourceLocation: sourceLocation) {
      try body()
    }
    #expect(
      error?.code == code, "\(label): \(String(describing: error))",
      sourceLocation: sourceLocation)
  }

  /// Writes a flipped byte, a truncation and a newer format version over the model file,
  /// expecting `open` to refuse each, then puts the intact file back.
  func expectModelDamageRefused(
    sourceLocation: SourceLocation = #_sourceLocation, open: () throws -> Void
  ) throws {
    var flipped = goodModel
    flipped[goodModel.count / 2] ^= 0x40
    try flipped.write(to: model)
    Self.expect(.corruptFile, "flipped model byte", sourceLocation: sourceLocation, open)
    try Data(goodModel.prefix(goodModel.count - 3)).write(to: model)
    Self.expect(.corruptFile, "truncated model", sourceLocation: sourceLocation, open)
    var newer = goodModel
    newer[8] = 9
    try newer.write(to: model)
    Self.expect(.unsupportedVersion, "newer version", sourceLocation: sourceLocation, open)
    try goodModel.write(to: model)
  }

  /// Flips a byte of partition 0 in the partitions file, which `open` must still open and
  /// `search` (probing every partition) must refuse; then truncates the file and removes it,
  /// which `open` must refuse.
  func expectPartitionDamageRefused<Index>(
    sourceLocation: SourceLocation = #_sourceLocation, open: () throws -> Index,
    search: (Index) throws -> Void
  ) throws {
    var damaged = goodPartitions
    damaged[100] ^= 0x01  // inside partition 0
    try damaged.write(to: partitions)
    let opened = try open()
    Self.expect(.corruptFile, "damaged partition", sourceLocation: sourceLocation) {
      try search(opened)
    }
    try Data(goodPartitions.prefix(goodPartitions.count / 2)).write(to: partitions)
    Self.expect(.corruptFile, "truncated partitions", sourceLocation: sourceLocation) {
      _ = try open()
    }
    try FileManager.default.removeItem(at: partitions)
    Self.expect(.ioFailure, "missing partitions", sourceLocation: sourceLocation) {
      _ = try open()
    }
  }
}
