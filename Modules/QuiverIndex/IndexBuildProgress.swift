/// How far an index build (or another long index operation, such as `Table.optimize`) has come:
/// the phase it is in, the units of that phase done so far, and the fraction of the whole
/// operation.
///
/// Reported to an `IndexBuildProgressHandler` on the thread doing the work. Over one operation
/// `fraction` never decreases and the last report has `fraction == 1`. Phases may interleave
/// (a streaming build assigns and encodes each batch in turn), so `phase` can go back to one
/// seen before; `completedUnits` counts within the reported phase.
public struct IndexBuildProgress: Sendable, Hashable, CustomStringConvertible {
  /// A step of building or updating an index, or of optimizing a table.
  public enum Phase: String, Sendable, Hashable, CaseIterable {
    /// Rewriting small or heavily deleted fragments (`Table.optimize`).
    case compacting
    /// Passing an index's row ids through the row-id maps of compactions (`Table.optimize`).
    case remapping
    /// Reading the training samples by row id.
    case sampling
    /// Reading every vector into memory (flat `HNSW`, whose graph needs them all), or the rows
    /// an index does not cover yet (`Table.optimize`).
    case reading
    /// k-means centroids and the quantizer's codebooks or ranges.
    case training
    /// Assigning rows to their nearest partition.
    case assigning
    /// Quantizing rows (PQ or SQ codes).
    case encoding
    /// Building HNSW graphs.
    case graphBuilding = "graph building"
    /// Writing the index files.
    case writing
    /// Removing old versions and the files only they used (`Table.optimize`).
    case cleaningUp = "cleaning up"
  }

  /// The phase being worked on.
  public var phase: Phase
  /// Units of `phase` done: rows, except for training (models trained: centroids, quantizer)
  /// and the table-wide optimize phases (compactions, cleanups: 0 or 1).
  public var completedUnits: Int
  /// Units of `phase` in all.
  public var totalUnits: Int
  /// The fraction of the whole operation done, in 0...1.
  public var fraction: Double

  /// Creates a report.
  public init(phase: Phase, completedUnits: Int, totalUnits: Int, fraction: Double) {
    self.phase = phase
    self.completedUnits = completedUnits
    self.totalUnits = totalUnits
    self.fraction = fraction
  }

  /// `assigning 1200/5000 (37%)`.
  public var description: String {
    "\(phase.rawValue) \(completedUnits)/\(totalUnits) (\(Int((fraction * 100).rounded(.down)))%)"
  }
}

/// Receives the progress of an index build; called on the building thread, so it should return
/// quickly.
public typealias IndexBuildProgressHandler = @Sendable (IndexBuildProgress) -> Void
