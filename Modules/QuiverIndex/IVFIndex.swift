import QuiverKernels

/// A trained IVF index (IVF_FLAT, IVF_PQ or IVF_SQ) over `(row id, vector)` pairs: centroids,
/// the quantizer and the partitions. Built by `IVFIndexBuilder`, written with `write(to:)`,
/// reopened with `IVFIndex.open(at:)` (partitions then load on demand into a bounded cache).
///
/// It knows nothing of tables: row ids are opaque `UInt64`s, and it records which fragments
/// (the high 32 bits) it covers.
public struct IVFIndex: Sendable {
  /// The parameters it was trained with, with `numPartitions` and (IVF_PQ) `numSubVectors`
  /// resolved.
  public let parameters: IVFIndexParameters
  /// Shape and training statistics.
  public let statistics: IVFIndexStatistics
  /// `numPartitions × dimension` centroids (of unit vectors for cosine).
  package let centroids: [Float]
  /// The quantizer of the residuals (nil for IVF_FLAT).
  package let quantizer: ResidualQuantizer?
  /// The partitions.
  package let store: PartitionStore

  package init(
    parameters: IVFIndexParameters, statistics: IVFIndexStatistics, centroids: [Float],
    productQuantizer: ProductQuantizer?, scalarQuantizer: ScalarQuantizer?, store: PartitionStore
  ) {
    self.parameters = parameters
    self.statistics = statistics
    self.centroids = centroids
    precondition(
      productQuantizer == nil || scalarQuantizer == nil, "an IVF index has one quantizer")
    quantizer = productQuantizer.map { .product($0) } ?? scalarQuantizer.map { .scalar($0) }
    self.store = store
  }

  /// The product quantizer of an IVF_PQ index.
  package var productQuantizer: ProductQuantizer? { quantizer?.product }
  /// The scalar quantizer of an IVF_SQ index.
  package var scalarQuantizer: ScalarQuantizer? { quantizer?.scalar }

  /// The index type.
  public var type: IndexType { parameters.type }
  /// The metric the index answers for.
  public var metric: DistanceMetric { parameters.metric }
  /// Vector dimension.
  public var dimension: Int { statistics.dimension }
  /// The number of partitions.
  public var partitionCount: Int { statistics.partitionSizes.count }
  /// Rows indexed.
  public var rowCount: Int { statistics.rowCount }
  /// The fragments the index covers, ascending.
  public var fragmentIds: [UInt32] { statistics.fragmentIds }

  /// True when a search with `metric` may use this index. A different metric must be answered
  /// without it (the index's distances and partitions are those of its own metric).
  public func canServe(metric: DistanceMetric) -> Bool { metric == self.metric }

  /// Bytes of the trained model and partitions in memory (centroids, codebooks or ranges, row
  /// ids, codes or vectors).
  public var byteCount: Int {
    (centroids.count + (quantizer?.modelFloats.count ?? 0)) * 4 + store.inMemoryByteCount
  }

  /// The layout of this index's partitions.
  package var partitionLayout: PartitionLayout {
    Self.partitionLayout(
      type: type, metric: metric, dimension: dimension,
      productCodeSize: productQuantizer?.codeSize ?? 0,
      fastScanSubVectorCount: productQuantizer?.fastScanSubVectorCount ?? 0)
  }

  /// The partition layout of an index of `type` and `metric` over `dimension`-dimensional
  /// vectors; `productCodeSize` is the PQ code size and `fastScanSubVectorCount` the
  /// sub-vector count of 4-bit codes held in fast-scan blocks (IVF_PQ only).
  package static func partitionLayout(
    type: IndexType, metric: DistanceMetric, dimension: Int, productCodeSize: Int,
    fastScanSubVectorCount: Int
  ) -> PartitionLayout {
    switch type {
    case .ivfFlat:
      PartitionLayout(floatsPerRow: dimension, codeBytesPerRow: 0, hasRowTerms: false)
    case .ivfPQ:
      PartitionLayout(
        floatsPerRow: 0, codeBytesPerRow: productCodeSize, hasRowTerms: metric != .dot,
        fastScanSubVectorCount: fastScanSubVectorCount)
    default:
      PartitionLayout(floatsPerRow: 0, codeBytesPerRow: dimension, hasRowTerms: false)
    }
  }

  /// The metric centroids are ranked by: inner product for dot, squared L2 otherwise (on unit
  /// vectors for cosine).
  package var centroidMetric: DistanceMetric { metric == .dot ? .dot : .l2 }
}
