import Foundation
import QuiverIndex
import QuiverKernels
import QuiverTestSupport
import Testing

/// Index model files whose checksum matches but whose contents do not make sense: each is
/// `IndexError.corruptFile` on open, never a trap or silently missing rows (issue 16).
@Suite struct IndexMetadataValidationTests {
  /// A model file taken apart: header (magic, version, reserved), JSON, then the floats and
  /// partition directory; the trailer (CRC32C, version, magic) is recomputed on `bytes()`.
  struct ModelFile {
    var header: [UInt8]
    var json: [String: Any]
    var body: [UInt8]
    var trailer: [UInt8]

    init(_ url: URL) throws {
      let bytes = [UInt8](try Data(contentsOf: url))
      header = Array(bytes[0..<16])
      var length = 0
      for index in 0..<8 { length |= Int(bytes[16 + index]) << (8 * index) }
      let jsonEnd = 24 + length
      json = try #require(
        try JSONSerialization.jsonObject(with: Data(bytes[24..<jsonEnd])) as? [String: Any])
      let bodyStart = (jsonEnd + 7) / 8 * 8
      body = Array(bytes[bodyStart..<(bytes.count - 16)])
      trailer = Array(bytes[(bytes.count - 12)...])
    }

    func bytes() throws -> [UInt8] {
      let encoded = [UInt8](try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]))
      var result = header
      for index in 0..<8 { result.append(UInt8(truncatingIfNeeded: encoded.count >> (8 * index))) }
      result += encoded
      while result.count % 8 != 0 { result.append(0) }
      result += body
      let checksum = result.withUnsafeBytes { CRC32C.checksum($0) }
      for index in 0..<4 { result.append(UInt8(truncatingIfNeeded: checksum >> (8 * index))) }
      return result + trailer
    }

    func write(to url: URL) throws { try Data(try bytes()).write(to: url) }
  }

  func expectCorrupt(_ open: () throws -> Void, mentions: String) {
    do {
      try open()
      Issue.record("the forged index opened")
    } catch let error as IndexError {
      #expect(error.code == .corruptFile, "\(error)")
      #expect(error.message.contains(mentions), "\(error)")
    } catch {
      Issue.record("unexpected error \(error)")
    }
  }

  @Test func floatBytesWithANaNOrInfinityAreRefusedAtTheFirstBadValue() throws {
    for bad in [Float.nan, .infinity, -.infinity] {
      var values: [Float] = [1, -2, 3.5, Float.greatestFiniteMagnitude, 0, 7]
      values[4] = bad
      let bytes = values.withUnsafeBytes { Array($0) }
      expectCorrupt(
        { try IndexMetadataValidation.requireFinite(floatBytes: bytes, "vector", path: "p") },
        mentions: "vector value 4 is")
    }
    let fine = [Float](repeating: -Float.greatestFiniteMagnitude, count: 9).withUnsafeBytes { Array($0) }
    try IndexMetadataValidation.requireFinite(floatBytes: fine, "vector", path: "p")
  }

  /// Runs `body` with a new folder holding the IVF_FLAT fixture index and its `ivf.meta`
  /// taken apart; `body` changes the model, which is then written back over `ivf.meta`. The
  /// folder is removed afterwards.
  func withForgedIVFModel(
    _ forge: (inout ModelFile) throws -> Void, then body: (URL) throws -> Void
  ) throws {
    let folder = try TestPaths.temporaryDirectory("index-forge")
    defer { try? FileManager.default.removeItem(at: folder) }
    try Fixture.build(.ivfFlat, .l2).write(to: folder)
    let model = folder.appendingPathComponent(IVFIndexFiles.model)
    var file = try ModelFile(model)
    try forge(&file)
    try file.write(to: model)
    try body(folder)
  }

  /// Replaces `key` of the model's `statistics` JSON object with `value`.
  func forgeStatistics(_ file: inout ModelFile, _ key: String, _ value: [Int]) throws {
    var statistics = try #require(file.json["statistics"] as? [String: Any])
    statistics[key] = value
    file.json["statistics"] = statistics
  }

  @Test func rewritingAModelUnchangedStillOpens() throws {
    try withForgedIVFModel({ _ in }) { folder in
      let rowCount = try IVFIndex.open(at: folder).statistics.rowCount
      #expect(rowCount == Fixture.base.count)
    }
  }

  @Test func aNaNCentroidInIVFMeta() throws {
    try withForgedIVFModel({ file in
      let nan = Float.nan.bitPattern
      for index in 0..<4 {
        file.body[4 * 5 + index] = UInt8(truncatingIfNeeded: nan >> (8 * index))
      }
    }) { folder in
      expectCorrupt({ _ = try IVFIndex.open(at: folder) }, mentions: "model value 5 is nan")
    }
  }

  @Test func ivfPartitionSizesThatOverflow() throws {
    try withForgedIVFModel({ file in
      let statistics = try #require(file.json["statistics"] as? [String: Any])
      var sizes = try #require(statistics["partitionSizes"] as? [Int])
      sizes[0] = Int.max
      sizes[1] = Int.max
      try forgeStatistics(&file, "partitionSizes", sizes)
    }) { folder in
      expectCorrupt({ _ = try IVFIndex.open(at: folder) }, mentions: "metadata shapes disagree")
    }
  }

  @Test func ivfPartitionRowsOfAFragmentTheMetadataDoesNotList() throws {
    // Every row is of fragment 0; the metadata claims fragment 7 only, so a caller would skip
    // the coverage filter that keeps fragment 0's rows out once a version drops it.
    try withForgedIVFModel({ try forgeStatistics(&$0, "fragmentIds", [7]) }) { folder in
      let index = try IVFIndex.open(at: folder)
      expectCorrupt(
        { _ = try index.search(Fixture.queries.row(0), k: 5, nprobes: index.partitionCount) },
        mentions: "is of fragment 0, which the index metadata does not list")
    }
  }

  @Test func ivfFragmentListOutOfOrder() throws {
    try withForgedIVFModel({ try forgeStatistics(&$0, "fragmentIds", [0, 0]) }) { folder in
      expectCorrupt({ _ = try IVFIndex.open(at: folder) }, mentions: "metadata shapes disagree")
    }
  }

  @Test(arguments: [[Int.max, Int.max], [Int.max / 2, Int.max / 2 + 2], [-1, 801]])
  func hnswPartitionSizesThatOverflow(sizes: [Int]) throws {
    let folder = try TestPaths.temporaryDirectory("index-forge")
    defer { try? FileManager.default.removeItem(at: folder) }
    let vectors = Array(HNSWTestData.base.values.prefix(200 * 384))
    try HNSWIndex.build(
      vectors: vectors, dimension: 384, metric: .l2,
      parameters: HNSWParameters(m: 8, efConstruction: 32, seed: 1)
    ).write(to: folder)
    let model = folder.appendingPathComponent(HNSWIndexFiles.model)
    var file = try ModelFile(model)
    file.json["partitionSizes"] = sizes
    try file.write(to: model)
    expectCorrupt({ _ = try HNSWIndex.open(at: folder) }, mentions: "metadata shapes disagree")
  }

  @Test func ivfHNSWDimensionWhoseProductsOverflow() throws {
    let folder = try TestPaths.temporaryDirectory("index-forge")
    defer { try? FileManager.default.removeItem(at: folder) }
    let vectors = Array(HNSWTestData.base.values.prefix(400 * 384))
    let parameters = IVFHNSWParameters(
      type: .ivfHNSWSQ, numPartitions: 2, maxIterations: 3,
      hnsw: HNSWParameters(m: 8, efConstruction: 32, seed: 1))
    try IVFHNSWIndex.build(vectors: vectors, dimension: 384, parameters: parameters)
      .write(to: folder)
    let model = folder.appendingPathComponent(HNSWIndexFiles.model)
    var file = try ModelFile(model)
    file.json["dimension"] = Int.max / 2
    try file.write(to: model)
    expectCorrupt({ _ = try IVFHNSWIndex.open(at: folder) }, mentions: "is impossible")
  }
}
