import QuiverKernels

/// `IVF_RQ`: k-means partitions over RaBitQ codes of residuals (row − partition centroid) after
/// a random rotation, with 1–8 bits per dimension (`RaBitQuantizer`).
///
/// A search ranks the centroids, and in each of the `nprobes` nearest partitions estimates
/// every allowed row's distance from its sign bits (a popcount scan) with an error bound; only
/// rows whose bound reaches into the current top `k` get the estimate from their full code.
/// Distances returned are estimates in the index's metric, for the caller to refine.
///
/// Built by `IVFRQIndex.build`, written with `write(to:)`, reopened with `open(at:)`
/// (partitions then load on demand into a bounded cache).
public struct IVFRQIndex: Sendable {
  /// Bits per dimension when none is given (Docs/Benchmarks.md, "IVF_RQ").
  public static let defaultNumBits = 4
  /// The largest dimension: keeps every integer sum of a scan below 2³².
  public static let maximumDimension = 65_536

  /// The parameters it was trained with, `numPartitions` resolved (`numSubVectors` unused).
  public let parameters: IVFIndexParameters
  /// Shape and training statistics.
  public let statistics: IVFIndexStatistics
  /// `partitionCount × dimension` centroids (of unit vectors for cosine).
  package let centroids: [Float]
  /// The centroids rotated: a query's residual to centroid `p` in the rotated space is the
  /// rotated query minus row `p`.
  package let rotatedCentroids: [Float]
  /// The random rotation.
  package let rotation: RaBitQRotation
  /// The codes' shape.
  package let quantizer: RaBitQuantizer
  /// The partitions.
  package let partitions: PartitionCache<IVFRQPartition>

  package init(
    parameters: IVFIndexParameters, statistics: IVFIndexStatistics, centroids: [Float],
    rotation: RaBitQRotation, partitions: PartitionCache<IVFRQPartition>
  ) {
    self.parameters = parameters
    self.statistics = statistics
    self.centroids = centroids
    self.rotation = rotation
    quantizer = RaBitQuantizer(dimension: statistics.dimension, bits: parameters.numBits)
    var rotated = [Float](repeating: 0, count: centroids.count)
    centroids.withUnsafeBufferPointer { c in
      rotated.withUnsafeMutableBufferPointer { out in
        rotation.rotateRows(
          c.baseAddress!, count: statistics.partitionSizes.count, into: out.baseAddress!)
      }
    }
    rotatedCentroids = rotated
    self.partitions = partitions
  }

  /// The index type (`.ivfRQ`).
  public var type: IndexType { .ivfRQ }
  /// The metric the index answers for.
  public var metric: DistanceMetric { parameters.metric }
  /// Vector dimension.
  public var dimension: Int { statistics.dimension }
  /// The number of partitions.
  public var partitionCount: Int { statistics.partitionSizes.count }
  /// Rows indexed.
  public var rowCount: Int { statistics.rowCount }
  /// Bits per dimension of the codes.
  public var numBits: Int { parameters.numBits }
  /// The fragments the index covers, ascending.
  public var fragmentIds: [UInt32] { statistics.fragmentIds }

  /// Bytes of the model (centroids, rotation) and of the partitions in memory (all of them
  /// after a build; the cached ones of an opened index).
  public var byteCount: Int {
    let model = (centroids.count * 2 + rotation.matrix.count) * 4
    guard let held = partitions.heldPartitions else { return model + partitions.cachedByteCount }
    return model + held.reduce(0) { $0 + $1.byteCount }
  }

  /// The metric centroids are ranked by: inner product for dot, squared L2 otherwise.
  var centroidMetric: DistanceMetric { metric == .dot ? .dot : .l2 }
}
