import Foundation
import QuiverKernels

extension HNSWIndex {
  /// Writes the index into `folder` of a storage (the table's `_indices/<uuid>/`) as
  /// `hnsw.meta` and `hnsw.partitions` (one partition: row ids, float vectors, graph), each
  /// durable before this returns.
  ///
  /// - Throws: `IndexError.ioFailure` if the folder or a file cannot be written.
  public func write(to folder: IndexFolder) throws(IndexError) {
    let metadata = HNSWIndexMetadata(
      type: "HNSW", metric: metric, dimension: dimension, rowCount: count,
      hnsw: parameters, ivf: nil, partitionSizes: [count])
    let payload = [UInt8](
      UnsafeRawBufferPointer(start: vectors.values, count: vectors.byteCount))
    try HNSWIndexFiles.files.write(
      to: folder, metadata: metadata, modelFloats: [], partitionSizes: metadata.partitionSizes
    ) { _ throws(IndexError) in
      HNSWIndexFileIO.partitionBlock(rowIds: rows.rowIds, payload: payload, graph: graph)
    }
  }

  /// Opens an index written by `write(to:)`, verifying every checksum.
  ///
  /// - Throws: `IndexError` `.ioFailure` (missing files), `.corruptFile` (bad magic,
  ///   checksum, length, graph), `.unsupportedVersion`, `.unsupportedIndexType` (the folder
  ///   holds an IVF_HNSW index).
  public static func open(at directory: URL) throws(IndexError) -> HNSWIndex {
    try open(at: IndexFolder(local: directory))
  }

  /// Opens the index files in `folder` of a storage; see `open(at:)` with a URL.
  public static func open(at folder: IndexFolder) throws(IndexError) -> HNSWIndex {
    let opened = try HNSWIndexFileIO.open(at: folder) { _ throws(IndexError) in 0 }
    let metadata = opened.metadata
    guard metadata.type == "HNSW", metadata.partitionSizes.count == 1 else {
      throw IndexError(
        .unsupportedIndexType, "\(opened.path): holds a \(metadata.type) index, not HNSW")
    }
    try metadata.hnsw.validate()
    let rows = metadata.rowCount
    if rows > 0 {
      guard metadata.dimension <= Int.max / 4 / rows else {
        throw IndexError(.corruptFile, "\(opened.path): \(rows) rows of \(metadata.dimension)")
      }
    }
    let block = try opened.readBlock(0)
    let parts = try HNSWIndexFileIO.readPartitionBlock(
      block, rows: rows, payloadLength: rows * metadata.dimension * 4,
      path: opened.partitionsPath, index: 0)
    try IndexMetadataValidation.requireFinite(
      floatBytes: parts.payload, "vector", path: opened.partitionsPath)
    let vectors = parts.payload.withUnsafeBytes { raw in
      HNSWFloatVectors(
        copying: raw.bindMemory(to: Float.self), dimension: metadata.dimension,
        metric: metadata.metric, normalized: true)
    }
    return HNSWIndex(
      metric: metadata.metric, dimension: metadata.dimension, parameters: metadata.hnsw,
      graph: parts.graph, vectors: vectors, rows: HNSWRowMap(rowIds: parts.rowIds))
  }
}
