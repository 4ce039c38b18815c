import Foundation
import QuiverStorage

/// Opens and builds indexes by `IndexType`: the one place that maps a type to its
/// implementation.
public enum VectorIndexFactory {
  /// Opens the index of `type` whose files are in `folder` of a storage.
  ///
  /// - Throws: `IndexError` `.ioFailure` (missing files), `.corruptFile`,
  ///   `.unsupportedVersion`, or `.unsupportedIndexType` when the files hold another type.
  public static func open(_ type: IndexType, at folder: IndexFolder) throws(IndexError)
    -> any VectorIndex
  {
    let index: any VectorIndex
    switch type {
    case .ivfFlat, .ivfPQ, .ivfSQ: index = try IVFIndex.open(at: folder)
    case .ivfHNSWSQ, .ivfHNSWPQ: index = try IVFHNSWIndex.open(at: folder)
    case .hnsw: index = try HNSWIndex.open(at: folder)
    case .ivfRQ: index = try IVFRQIndex.open(at: folder)
    }
    guard index.type == type else {
      throw IndexError(
        .unsupportedIndexType,
        "\(folder.storage.describe(folder.path)): the files hold a \(index.type.rawValue) index, "
          + "not \(type.rawValue)")
    }
    return index
  }

  /// Opens the index of `type` whose files are in the local folder `directory`.
  /// - Throws: as `open(_:at:)` with an `IndexFolder`.
  public static func open(_ type: IndexType, at directory: URL) throws(IndexError)
    -> any VectorIndex
  {
    try open(type, at: IndexFolder(local: directory))
  }

  /// Builds an index of `parameters.type` over `vectors` (`rowIds.count × dimension` floats,
  /// row-major).
  ///
  /// - Parameters:
  ///   - parameters: type, metric, and the IVF and quantizer parameters (used by the IVF types).
  ///   - graph: `m` and `efConstruction` (used by the types with HNSW graphs).
  /// - Throws: `IndexError` for parameters that do not fit the data (checked before training)
  ///   and for bad vectors.
  public static func build(
    vectors: [Float], rowIds: [UInt64], dimension: Int, parameters: IVFIndexParameters,
    graph: HNSWParameters
  ) throws(IndexError) -> any VectorIndex {
    switch parameters.type {
    case .ivfFlat, .ivfPQ, .ivfSQ:
      return try IVFIndexBuilder(parameters: parameters)
        .build(vectors: vectors, rowIds: rowIds, dimension: dimension)
    case .ivfHNSWSQ, .ivfHNSWPQ:
      var combined = IVFHNSWParameters(type: parameters.type, hnsw: graph)
      combined.ivf = parameters
      return try IVFHNSWIndex.build(
        vectors: vectors, dimension: dimension, rowIds: rowIds, parameters: combined)
    case .hnsw:
      return try HNSWIndex.build(
        vectors: vectors, dimension: dimension, rowIds: rowIds, metric: parameters.metric,
        parameters: graph)
    case .ivfRQ:
      return try IVFRQIndex.build(
        vectors: vectors, rowIds: rowIds, dimension: dimension, parameters: parameters)
    }
  }
}
