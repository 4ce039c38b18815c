import Foundation
import QuiverKernels
import QuiverStorage

/// Opens and builds indexes by `IndexType`: the one place that maps a type to its
/// implementation.
public enum VectorIndexFactory {
  /// Opens the index of `type` whose files are in `folder` of a storage.
  ///
  /// - Parameters:
  ///   - memoryBudget: bounds the partition cache to `min(budget, the type's default)`
  ///     (IVF 64 MiB, IVF_HNSW 1 GiB); nil uses the type's default.
  ///   - folder: The index folder.
  ///   - type: The index type.
  /// - Throws: `IndexError` `.ioFailure` (missing files), `.corruptFile`,
  ///   `.unsupportedVersion`, or `.unsupportedIndexType` when the files hold another type.
  public static func open(
    _ type: IndexType, at folder: IndexFolder, memoryBudget: MemoryBudget? = nil
  ) throws(IndexError) -> any VectorIndex {
    try open(type, at: folder, memoryBudget: memoryBudget, rowBounds: nil)
  }

  /// Opens the index of `type` in `folder` for a table: the row ids of each partition (of the
  /// whole graph, for `HNSW`) are checked against `rowBounds` when read.
  /// - Throws: as `open(_:at:memoryBudget:)`; `.corruptFile` naming the file and the row id for
  ///   a row outside `rowBounds`.
  package static func open(
    _ type: IndexType, at folder: IndexFolder, memoryBudget: MemoryBudget?,
    rowBounds: IndexRowBounds?
  ) throws(IndexError) -> any VectorIndex {
    let budget = memoryBudget ?? .unlimited
    let index: any VectorIndex
    switch type {
    case .ivfFlat, .ivfPQ, .ivfSQ:
      index = try IVFIndex.open(
        at: folder,
        cacheCapacityBytes: budget.cacheCapacity(typeDefault: IVFIndex.defaultCacheCapacityBytes),
        rowBounds: rowBounds)
    case .ivfHNSWSQ, .ivfHNSWPQ:
      index = try IVFHNSWIndex.open(
        at: folder,
        cacheCapacityBytes: budget.cacheCapacity(
          typeDefault: IVFHNSWIndex.defaultCacheCapacityBytes),
        rowBounds: rowBounds)
    case .hnsw:
      let graph = try HNSWIndex.open(at: folder)
      try rowBounds?.check(
        graph.rowIDs,
        path: folder.storage.describe(folder.path.appending(trustedName: HNSWIndexFiles.partitions))
          + " partition 0")
      index = graph
    case .ivfRQ:
      index = try IVFRQIndex.open(
        at: folder,
        cacheCapacityBytes: budget.cacheCapacity(typeDefault: IVFRQIndex.defaultCacheCapacityBytes),
        rowBounds: rowBounds)
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
  ///   - dimension: The number of floats per vector.
  ///   - rowIds: The row id of each vector (default 0 ..< count).
  ///   - vectors: The vectors, `count × dimension` floats, row-major.
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

  /// Builds an index of `parameters.type` over `input` within `budget` and writes its files into
  /// `folder`, reporting progress to `progress`.
  ///
  /// IVF_FLAT, IVF_PQ and IVF_SQ stream the input and spill rows per partition to temporary run
  /// files in `folder`; IVF_HNSW_SQ and IVF_HNSW_PQ do too and build one partition's graph at a
  /// time (Docs/Architecture.md, "Streaming builds"). The files are byte-identical to those of
  /// `build(vectors:…)` followed by `write(to:)` for the same seed, whatever the budget (with one
  /// graph thread for the graph types, whose parallel graph build is not deterministic), unless
  /// the budget caps the k-means sample of IVF_FLAT / IVF_PQ / IVF_SQ (`MemoryBudget`). Flat
  /// `HNSW` holds every vector and its graph in memory by nature: when
  /// `HNSWParameters.estimatedBuildBytes` exceeds the budget it is refused before any reading.
  /// A failed build leaves neither run files nor index files in `folder`.
  ///
  /// - Throws: `IndexError.memoryBudgetExceeded` (flat HNSW over budget, naming the estimate),
  ///   parameter errors before any reading, `.nonFiniteValue`, read and write failures.
  package static func build(
    from input: some IndexBuildInput, parameters: IVFIndexParameters, graph: HNSWParameters,
    budget: MemoryBudget, progress: IndexBuildProgressHandler?, into folder: IndexFolder
  ) throws(IndexError) {
    switch parameters.type {
    case .ivfFlat, .ivfPQ, .ivfSQ:
      let tracker = IndexBuildProgressTracker(
        progress,
        stages: [
          ([.sampling], 1), ([.training], 3), ([.assigning, .encoding], 12), ([.writing], 2),
        ])
      try IVFIndexBuilder(parameters: parameters).build(
        from: input, into: folder, budget: budget, progress: tracker)
    case .ivfHNSWSQ, .ivfHNSWPQ:
      var combined = IVFHNSWParameters(type: parameters.type, hnsw: graph)
      combined.ivf = parameters
      let tracker = IndexBuildProgressTracker(
        progress,
        stages: [
          ([.sampling], 1), ([.training], 2), ([.assigning], 5),
          ([.encoding, .graphBuilding, .writing], 40),
        ])
      try IVFHNSWIndex.build(
        from: input, parameters: combined, into: folder, budget: budget, progress: tracker)
    case .ivfRQ:
      try buildInMemory(
        from: input, parameters: parameters, budget: budget,
        progress: IndexBuildProgressTracker(
          progress, stages: [([.reading], 1), ([.training, .encoding], 8), ([.writing], 1)]),
        into: folder)
    case .hnsw:
      try buildFlatHNSW(
        from: input, metric: parameters.metric, graph: graph, budget: budget,
        progress: IndexBuildProgressTracker(
          progress, stages: [([.reading], 1), ([.graphBuilding], 8), ([.writing], 1)]),
        into: folder)
    }
  }

  /// IVF_RQ, which has no streaming build yet: every vector read into memory (refused first when
  /// the vectors alone exceed the budget), then `build(vectors:…)` and `write(to:)`.
  private static func buildInMemory(
    from input: some IndexBuildInput, parameters: IVFIndexParameters, budget: MemoryBudget,
    progress: IndexBuildProgressTracker, into folder: IndexFolder
  ) throws(IndexError) {
    let count = input.rowCount
    let dimension = input.dimension
    let (estimate, overflow) = count.multipliedReportingOverflow(by: dimension * 4)
    guard !overflow, estimate <= budget.bytes else {
      throw IndexError(
        .memoryBudgetExceeded,
        "\(parameters.type.rawValue) over \(count) rows of dimension \(dimension) reads every vector "
          + "into memory (about \(MemoryBudget.approximate(overflow ? Int.max : estimate))), more than "
          + "the memory budget of \(budget); use IVF_PQ or IVF_HNSW_SQ, whose builds stream, or "
          + "raise the budget")
    }
    let vectors = try readAll(input, progress: progress)
    progress.report(.training, 0, of: count)
    let index = try build(
      vectors: vectors, rowIds: input.rowIDs, dimension: dimension, parameters: parameters,
      graph: HNSWParameters())
    progress.report(.writing, 0, of: count)
    try index.write(to: folder)
    progress.finish(rows: count)
  }

  /// Every vector of `input` in one array (`rowCount × dimension` floats), reported as the
  /// `reading` phase; the callers have checked the size against the budget.
  private static func readAll(
    _ input: some IndexBuildInput, progress: IndexBuildProgressTracker
  ) throws(IndexError) -> [Float] {
    let count = input.rowCount
    let dimension = input.dimension
    var vectors: [Float] = []
    vectors.reserveCapacity(count * dimension)
    try input.forEachBatch(maxRows: IVFIndexBuilder.maximumBatchRows) {
      (start, batch) throws(IndexError) in
      vectors.append(contentsOf: batch)
      progress.report(.reading, start + batch.count / dimension, of: count)
    }
    return vectors
  }

  /// Flat HNSW: every vector read into memory (refused first when over budget), one graph.
  private static func buildFlatHNSW(
    from input: some IndexBuildInput, metric: DistanceMetric, graph: HNSWParameters,
    budget: MemoryBudget, progress: IndexBuildProgressTracker, into folder: IndexFolder
  ) throws(IndexError) {
    let count = input.rowCount
    let dimension = input.dimension
    let estimate = graph.estimatedBuildBytes(rowCount: count, dimension: dimension)
    guard estimate <= budget.bytes else {
      throw IndexError(
        .memoryBudgetExceeded,
        "HNSW over \(count) rows of dimension \(dimension) needs about "
          + "\(MemoryBudget.approximate(estimate)) in memory (every vector and its graph), more "
          + "than the memory budget of \(budget); use IVF_HNSW_SQ, which builds one partition's "
          + "graph at a time, or raise the budget")
    }
    let vectors = try readAll(input, progress: progress)
    progress.report(.graphBuilding, 0, of: count)
    do throws(IndexError) {
      let index = try HNSWIndex.build(
        vectors: vectors, dimension: dimension, rowIds: input.rowIDs, metric: metric,
        parameters: graph)
      progress.report(.graphBuilding, count, of: count)
      progress.report(.writing, 0, of: count)
      try index.write(to: folder)
      progress.finish(rows: count)
    } catch {
      HNSWIndexFiles.files.remove(from: folder)
      throw error
    }
  }
}
