import Foundation
import QuiverKernels
import QuiverStorage

/// The two files of an HNSW-family index folder (Docs/Format.md, "HNSW index files"), written
/// by `HNSWIndex.write(to:)` and `IVFHNSWIndex.write(to:)`: the same shape as the IVF files.
public enum HNSWIndexFiles {
  /// The model: JSON metadata, centroids, quantizer, partition directory.
  public static let model = "hnsw.meta"
  /// The partitions: per partition row ids, codes or vectors, and the graph block.
  public static let partitions = "hnsw.partitions"
  /// The format version this code writes (and the newest it reads).
  public static let formatVersion: UInt32 = 1
  /// The shared two-file layout with the HNSW names, magics and version.
  static let files = PartitionedIndexFiles(
    modelName: model, partitionsName: partitions, modelMagic: Array("QUIVHNSM".utf8),
    partitionsMagic: Array("QUIVHNSP".utf8), formatVersion: formatVersion, kind: "HNSW")
}

/// The JSON part of `hnsw.meta`.
struct HNSWIndexMetadata: Codable {
  /// "HNSW", "IVF_HNSW_SQ" or "IVF_HNSW_PQ".
  var type: String
  var metric: DistanceMetric
  var dimension: Int
  var rowCount: Int
  /// The graph parameters (HNSW).
  var hnsw: HNSWParameters
  /// The IVF and quantizer parameters (IVF_HNSW_*; nil for HNSW).
  var ivf: IVFIndexParameters?
  var partitionSizes: [Int]
}

/// The HNSW-specific parts of the two files: the partition block and the metadata checks.
enum HNSWIndexFileIO {
  /// One partition block: row ids (u64), the payload (codes or floats) padded to 8 bytes, the
  /// graph block.
  static func partitionBlock(rowIds: [UInt64], payload: [UInt8], graph: HNSWGraph) -> [UInt8] {
    var writer = ByteWriter()
    writer.write(words: rowIds)
    writer.write(payload)
    writer.pad(toMultipleOf: 8)
    writer.write(graph.serialized())
    return writer.bytes
  }

  /// Splits a partition block read back (after its checksum was verified).
  static func readPartitionBlock(
    _ bytes: [UInt8], rows: Int, payloadLength: Int, path: String, index: Int
  ) throws(IndexError) -> (rowIds: [UInt64], payload: [UInt8], graph: HNSWGraph) {
    let (rowIds, payload, graphOffset) = try IndexError.translatingStorageErrors {
      try bytes.withUnsafeBytes { raw in
        var reader = ByteReader(raw, context: path)
        let rowIds = try reader.readWords(rows, "partition \(index) row ids")
        let payload = try reader.readArray(payloadLength, "partition \(index) codes")
        reader.skip(toMultipleOf: 8)
        return (rowIds, payload, reader.position)
      }
    }
    guard graphOffset <= bytes.count else {
      throw IndexError(.corruptFile, "\(path): partition \(index) ends before its graph")
    }
    let parsed = bytes.withUnsafeBytes { raw in
      Result { () throws(IndexError) -> HNSWGraph in
        try HNSWGraph(
          bytes: UnsafeRawBufferPointer(rebasing: raw[graphOffset...]),
          context: "\(path), partition \(index)")
      }
    }
    let graph = try parsed.get()
    guard graph.nodeCount == rows else {
      throw IndexError(
        .corruptFile, "\(path): partition \(index) graph has \(graph.nodeCount) nodes, not \(rows)")
    }
    return (rowIds, payload, graph)
  }

  /// Reads and verifies `hnsw.meta` and both ends of `hnsw.partitions`;
  /// `modelFloatCount` says how many floats follow the JSON.
  static func open(
    at directory: IndexFolder, modelFloatCount: (HNSWIndexMetadata) throws(IndexError) -> Int
  ) throws(IndexError) -> PartitionedIndexFiles.Opened<HNSWIndexMetadata> {
    try HNSWIndexFiles.files.open(at: directory, as: HNSWIndexMetadata.self) {
      (metadata, path, _) throws(IndexError) in
      guard metadata.dimension > 0, !metadata.partitionSizes.isEmpty,
        IndexMetadataValidation.partitionSizesSum(metadata.partitionSizes) == metadata.rowCount,
        IndexMetadataValidation.product(metadata.partitionSizes.count, metadata.dimension) != nil
      else {
        throw IndexError(
          .corruptFile,
          "\(path): metadata shapes disagree (partition sizes, row count \(metadata.rowCount), "
            + "dimension \(metadata.dimension))")
      }
      return PartitionedIndexFiles.Shape(
        modelFloatCount: try modelFloatCount(metadata), partitionSizes: metadata.partitionSizes,
        blockLength: nil)
    }
  }
}
