import Dispatch
import QuiverFormat
import QuiverIndex
import QuiverKernels
import QuiverStorage

/// Runs a `VectorSearchPlan`. Work that does not depend on the query vector (the prefilter's
/// allowed rows, deletions, the vectors of a very selective prefilter's rows) is done once when
/// the executor is made, so batch searches share it.
package struct VectorSearchExecutor: Sendable {
  package let plan: VectorSearchPlan
  package let source: any QueryDataSource

  /// Rows the index may return: nil when every indexed row is allowed.
  let indexAllowed: RowSet?
  /// When the prefilter leaves few indexed rows: their ids and vectors, scanned exactly.
  let selectiveRows: (rowIds: [UInt64], vectors: [Float])?
  /// Allowed rows of the exactly scanned fragments (absent: every row).
  let scanAllowed: RowSet
  /// Threads one query's exact scan may use when the scanned vectors are large (batches run
  /// their queries one per thread and set this to 1).
  package var exactScanThreads = ProcessorCount.active

  /// Prefilters with at most this many passing rows (or 2% of the indexed rows, whichever is
  /// more) are answered by an exact scan of those rows: exact, and cheaper than probing.
  package static let selectiveRowMinimum = 1024

  /// Prepares `plan` on `source`; `cache` (one per table version) lets searches with the same
  /// filter share the query-independent work.
  package init(
    plan: VectorSearchPlan, source: any QueryDataSource, cache: PrefilterCache? = nil
  ) throws {
    self.plan = plan
    self.source = source
    let key = PrefilterCache.Key(
      filter: plan.filter?.text, prefilter: plan.query.prefilter, index: plan.index?.name,
      column: plan.column, fastSearch: plan.query.fastSearch,
      indexFragmentsKnown: plan.index?.indexedFragmentIds != nil)
    let entry =
      try cache?.entry(for: key) { try Self.prepare(plan, source) } ?? Self.prepare(plan, source)
    indexAllowed = entry.indexAllowed
    selectiveRows = entry.selectiveRows
    scanAllowed = entry.scanAllowed
  }

  static func prepare(_ plan: VectorSearchPlan, _ source: any QueryDataSource) throws
    -> PrefilterCache.Entry
  {
    let filter = plan.filter
    // Indexed fragments: deletions always, the filter only as a prefilter.
    var indexAllowed: RowSet? = nil
    var selectiveRows: (rowIds: [UInt64], vectors: [Float])? = nil
    if let index = plan.index, !plan.indexedFragments.isEmpty {
      let prefilter = plan.query.prefilter ? filter : nil
      // Coverage: when the index may hold rows of fragments this version does not give it
      // (compacted away), the allowed rows say which it may return, inside the scan.
      let covered = Set(plan.indexedFragments.map(\.id))
      let holdsUncovered = index.indexedFragmentIds.map { !$0.isSubset(of: covered) } ?? true
      if prefilter != nil || holdsUncovered
        || plan.indexedFragments.contains(where: { $0.deletedRows != nil })
      {
        let allowedSet = try allowedRows(plan.indexedFragments, filter: prefilter, source: source)
        let indexedRows = plan.indexedFragments.reduce(0) { $0 + $1.liveRowCount }
        if prefilter != nil && allowedSet.count <= max(selectiveRowMinimum, indexedRows / 50) {
          let rowIds = allowedSet.rowIds
          var vectors: [Float] = []
          if !rowIds.isEmpty {
            let batch = try source.take(rowIds: rowIds, columns: [plan.column])
            vectors = batch.columns[0].withFloatVectors { Array($0) }
          }
          selectiveRows = (rowIds, vectors)
        } else {
          indexAllowed = allowedSet
        }
      }
    }
    // Scanned fragments: filter (pre or post, the same for an exact scan) and deletions.
    var scanAllowed = RowSet(fragments: [:])
    let needsMask = plan.scannedFragments.filter { filter != nil || $0.deletedRows != nil }
    if !needsMask.isEmpty {
      scanAllowed = try allowedRows(needsMask, filter: filter, source: source)
    }
    return PrefilterCache.Entry(
      indexAllowed: indexAllowed, selectiveRows: selectiveRows, scanAllowed: scanAllowed)
  }

  /// Per fragment, the rows that are not deleted and pass `filter` (all live rows when nil).
  package static func allowedRows(
    _ fragments: [QueryFragment], filter: Filter?, source: any QueryDataSource
  ) throws -> RowSet {
    var result: [UInt32: RowBitmap] = [:]
    for fragment in fragments {
      var bitmap: RowBitmap
      if let filter {
        bitmap = RowBitmap(capacity: fragment.physicalRowCount)
        let skipper = FilterPageSkipper(filter.bound, fragment: fragment, source: source)
        if let skipper, !skipper.mayMatch(rows: 0..<fragment.physicalRowCount) {
          result[fragment.id] = bitmap  // no page can match: nothing is read
          continue
        }
        try source.scan(fragment, columns: filter.columnNames) { first, batch in
          if let skipper, !skipper.mayMatch(rows: first..<(first + batch.rowCount)) { return }
          let truth = try FilterEvaluator.evaluate(filter.bound, on: batch)
          truth.values.withUnsafeBufferPointer { values in
            for row in values.indices where values[row] == TruthValues.trueValue {
              bitmap.insert(first + row)
            }
          }
        }
      } else {
        bitmap = RowBitmap(capacity: fragment.physicalRowCount, full: true)
      }
      if let deleted = fragment.deletedRows { bitmap.subtract(deleted) }
      result[fragment.id] = bitmap
    }
    return RowSet(fragments: result)
  }

  // MARK: Search

  /// The nearest rows for `vector` after filter, range, offset and limit, nearest first.
  ///
  /// - Throws: `QueryError` for a vector of the wrong dimension or with NaN; errors of the data
  ///   source or the index.
  package func nearest(to vector: [Float]) throws -> (neighbors: [Neighbor], statistics: SearchStatistics) {
    try nearest(to: vector, scanned: nil)
  }

  /// `nearest(to:)`, with the exact scan's answer for `vector` already computed (by a batch's
  /// many-to-many scan) when `scanned` is given.
  func nearest(to vector: [Float], scanned: (neighbors: [Neighbor], rows: Int)?) throws
    -> (neighbors: [Neighbor], statistics: SearchStatistics)
  {
    try QueryPlanner.validate(vector: vector, dimension: plan.dimension, column: plan.column)
    var statistics = SearchStatistics()
    var candidates: [Neighbor] = []
    if let index = plan.index, !plan.indexedFragments.isEmpty {
      candidates += try indexedCandidates(vector, index: index, statistics: &statistics)
    }
    if let scanned {
      candidates += scanned.neighbors
      statistics.exactlyScannedRows += scanned.rows
    } else if !plan.scannedFragments.isEmpty {
      candidates += try exactScan(vector, statistics: &statistics)
    }
    candidates.sort(by: Neighbor.precedes)
    // Exact scans already kept only rows in range; index candidates are cut here.
    candidates.removeAll { !inRange($0.distance) }
    let kept = Array(candidates.dropFirst(plan.query.offset).prefix(plan.query.limit))
    return (kept, statistics)
  }

  func indexedCandidates(
    _ vector: [Float], index: any QueryVectorIndex, statistics: inout SearchStatistics
  ) throws -> [Neighbor] {
    let k = plan.candidateCount
    let prefiltered = plan.filter != nil && plan.query.prefilter
    if prefiltered {
      statistics.prefilterAllowedRows = selectiveRows?.rowIds.count ?? indexAllowed?.count
    }
    if let selectiveRows {
      // Exact distances to the few allowed rows: nothing to refine.
      statistics.exactScanOfAllowedRows = true
      var top = TopK(k: min(plan.wanted, selectiveRows.rowIds.count))
      if !selectiveRows.rowIds.isEmpty {
        let distances = self.distances(vector, selectiveRows.vectors, count: selectiveRows.rowIds.count)
        for (position, distance) in distances.enumerated() where inRange(distance) {
          top.insert(id: selectiveRows.rowIds[position], distance: distance)
        }
      }
      statistics.exactlyScannedRows += selectiveRows.rowIds.count
      return top.sorted()
    }
    var nprobes = min(plan.query.nprobes, index.partitionCount)
    var ef = plan.query.ef
    var found = try index.search(vector, k: k, nprobes: nprobes, ef: ef, allowed: indexAllowed)
    statistics.indexSearches = 1
    if let allowed = indexAllowed {
      // Widen while the allowed rows could give more than the search found.
      let reachable = min(k, allowed.count)
      while found.count < reachable {
        var widened = false
        if nprobes < index.partitionCount {
          nprobes = min(index.partitionCount, nprobes * 2)
          widened = true
        }
        if index.usesGraph {
          let current = ef ?? HNSWIndex.defaultEf(k: k)
          if current < allowed.count {
            ef = min(allowed.count, current * 2)
            widened = true
          }
        }
        if !widened { break }
        found = try index.search(vector, k: k, nprobes: nprobes, ef: ef, allowed: allowed)
        statistics.indexSearches += 1
      }
    }
    try requireCovered(found, index: index)
    statistics.partitionsProbed = nprobes
    statistics.ef = index.usesGraph ? ef : nil
    statistics.indexCandidates = found.count
    if let filter = plan.filter, !plan.query.prefilter, !found.isEmpty {
      let batch = try source.take(rowIds: found.map(\.id), columns: filter.columnNames)
      let truth = try FilterEvaluator.evaluate(filter.bound, on: batch)
      found = zip(found, truth.values).filter { $0.1 == TruthValues.trueValue }.map(\.0)
      statistics.candidatesAfterPostfilter = found.count
    }
    if plan.refines && !found.isEmpty, let refined = try refineFromCache(vector, found) {
      statistics.refinedRows = found.count
      return Array(refined.prefix(plan.wanted))
    }
    if plan.refines && !found.isEmpty {
      let batch = try source.take(rowIds: found.map(\.id), columns: [plan.column])
      let column = batch.columns[0]
      let exact = column.withFloatVectors { self.distances(vector, $0, count: found.count) }
      var refined: [Neighbor] = []
      refined.reserveCapacity(found.count)
      for (position, neighbor) in found.enumerated() where !column.isNull(position) {
        refined.append(Neighbor(id: neighbor.id, distance: exact[position]))
      }
      refined.sort(by: Neighbor.precedes)
      statistics.refinedRows = found.count
      return Array(refined.prefix(plan.wanted))
    }
    return found
  }

  /// The exact distances of `found`, nearest first, from the vectors the source holds in
  /// memory (read and verified once, not per query); nil when the source keeps no whole copy of
  /// some fragment, or the searched fragments would not fit its cache (each query would then
  /// reload them).
  func refineFromCache(_ vector: [Float], _ found: [Neighbor]) throws -> [Neighbor]? {
    let capacity = source.cachedVectorCapacityBytes
    let fragments = plan.indexedFragments + plan.scannedFragments
    let bytes = fragments.reduce(0) { $0 + $1.physicalRowCount } * plan.dimension * 4
    guard capacity > 0, bytes <= capacity else { return nil }
    let byId = Dictionary(
      plan.indexedFragments.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    var offsets: [UInt32: [Int]] = [:]
    for neighbor in found {
      offsets[UInt32(neighbor.id >> 32), default: []].append(
        Int(UInt32(truncatingIfNeeded: neighbor.id)))
    }
    var refined: [Neighbor] = []
    refined.reserveCapacity(found.count)
    for (fragmentId, rows) in offsets.sorted(by: { $0.key < $1.key }) {
      guard let fragment = byId[fragmentId], let block = try cachedBlock(fragment),
        rows.allSatisfy({ $0 < block.rowCount })
      else { return nil }
      var distances = [Float](repeating: 0, count: rows.count)
      block.withUnsafeBufferPointer { values in
        vector.withUnsafeBufferPointer { query in
          rows.withUnsafeBufferPointer { rowPointer in
            distances.withUnsafeMutableBufferPointer { out in
              plan.metric.distances(
                from: query.baseAddress!, toRows: rowPointer.baseAddress!,
                of: values.baseAddress!, count: rows.count, dimension: plan.dimension,
                into: out.baseAddress!)
            }
          }
        }
      }
      for (row, distance) in zip(rows, distances) {
        refined.append(Neighbor(id: UInt64(fragmentId) << 32 | UInt64(row), distance: distance))
      }
    }
    refined.sort(by: Neighbor.precedes)
    return refined
  }

  /// Whether a distance lies in the query's distance range (lower inclusive, upper exclusive).
  @inline(__always) func inRange(_ distance: Float) -> Bool {
    if let lower = plan.query.distanceLowerBound, distance < lower { return false }
    if let upper = plan.query.distanceUpperBound, distance >= upper { return false }
    return true
  }

  /// Exact top `wanted` over the scanned fragments (within the distance range): fragments whose
  /// vectors the source keeps in memory are scanned in place (`ExactBlockScan`), the others batch
  /// by batch.
  func exactScan(_ vector: [Float], statistics: inout SearchStatistics) throws -> [Neighbor] {
    var top = TopK(k: plan.wanted)
    var scannedRows = 0
    var blocks: [ExactBlockScan.Part] = []
    for fragment in plan.scannedFragments {
      let allowed = scanAllowed.bitmap(ofFragment: fragment.id)
      if let allowed, allowed.count == 0 { continue }
      if let block = try cachedBlock(fragment) {
        blocks.append(ExactBlockScan.Part(fragment: fragment, block: block, allowed: allowed))
        scannedRows += block.rowCount
        continue
      }
      try source.scan(fragment, columns: [plan.column]) { first, batch in
        let column = batch.columns[0]
        let count = batch.rowCount
        guard count > 0 else { return }
        let distances = column.withFloatVectors { self.distances(vector, $0, count: count) }
        let hasNulls = column.hasNulls
        for row in 0..<count {
          if let allowed, !allowed.contains(first + row) { continue }
          if hasNulls && column.isNull(row) { continue }
          let distance = distances[row]
          if distance <= top.threshold && inRange(distance) {
            top.insert(id: fragment.rowId(first + row), distance: distance)
          }
        }
        scannedRows += count
      }
    }
    if !blocks.isEmpty {
      let scan = ExactBlockScan(parts: blocks, metric: plan.metric, dimension: plan.dimension)
      let found = scan.nearest(
        to: vector, k: plan.wanted, threads: exactScanThreads, inRange: { inRange($0) })
      for neighbor in found { top.insert(neighbor) }
    }
    statistics.exactlyScannedRows += scannedRows
    return top.sorted()
  }

  /// The fragment's vectors held in memory by the source, when it keeps them whole.
  func cachedBlock(_ fragment: QueryFragment) throws -> FloatVectorBlock? {
    guard let block = try source.cachedVectors(fragment, column: plan.column),
      block.dimension == plan.dimension, block.rowCount == fragment.physicalRowCount
    else { return nil }
    return block
  }

  /// The exact scan's answer for every one of `vectors` from one many-to-many pass over the
  /// scanned fragments, with the rows scanned; nil when some fragment's vectors are not held in
  /// memory (each query then scans on its own).
  func exactScanBatch(_ vectors: [[Float]], threads: Int) throws
    -> (neighbors: [[Neighbor]], rows: Int)?
  {
    var blocks: [ExactBlockScan.Part] = []
    var scannedRows = 0
    for fragment in plan.scannedFragments {
      let allowed = scanAllowed.bitmap(ofFragment: fragment.id)
      if let allowed, allowed.count == 0 { continue }
      guard let block = try cachedBlock(fragment) else { return nil }
      blocks.append(ExactBlockScan.Part(fragment: fragment, block: block, allowed: allowed))
      scannedRows += block.rowCount
    }
    let scan = ExactBlockScan(parts: blocks, metric: plan.metric, dimension: plan.dimension)
    let found = scan.nearest(
      toBatch: vectors.flatMap { $0 }, k: plan.wanted, threads: threads,
      inRange: { inRange($0) })
    return (found, scannedRows)
  }

  /// Distances from `vector` to `count` packed vectors.
  func distances(_ vector: [Float], _ points: UnsafeBufferPointer<Float>, count: Int) -> [Float] {
    precondition(points.count >= count * plan.dimension)
    return [Float](unsafeUninitializedCapacity: count) { output, initialized in
      vector.withUnsafeBufferPointer { query in
        plan.metric.distances(
          from: query.baseAddress!, to: points.baseAddress!, count: count,
          dimension: plan.dimension, into: output.baseAddress!)
      }
      initialized = count
    }
  }

  func distances(_ vector: [Float], _ points: [Float], count: Int) -> [Float] {
    points.withUnsafeBufferPointer { distances(vector, $0, count: count) }
  }

  // MARK: Results

  /// The projected rows for `neighbors`, in their order, plus `_distance` (and `_rowid`).
  package func project(_ neighbors: [Neighbor]) throws -> RecordBatch {
    let ids = neighbors.map(\.id)
    let taken = try source.take(rowIds: ids, columns: plan.projection)
    var fields = taken.schema.fields
    var columns = taken.columns
    fields.append(Field(QueryPlanner.distanceColumn, .float32, nullable: false))
    columns.append(Column(neighbors.map(\.distance)))
    if plan.query.withRowId {
      fields.append(Field(QueryPlanner.rowIdColumn, .uint64, nullable: false))
      columns.append(Column(ids))
    }
    return try RecordBatch(schema: Schema(fields), columns: columns)
  }

  /// Runs the plan's own query vector.
  package func execute() throws -> RecordBatch {
    try project(try nearest(to: plan.query.vector).neighbors)
  }

  /// Runs many query vectors with the same plan, spread over the machine's cores; results in
  /// the order of `vectors`. The exactly scanned fragments are read once for the whole batch
  /// (`ExactBlockScan.nearest(toBatch:)`) when their vectors are held in memory.
  package func executeBatch(_ vectors: [[Float]]) throws -> [RecordBatch] {
    try runBatch(vectors) { executor, neighbors in try executor.project(neighbors) }
  }

  /// The nearest rows of each of `vectors`, as `executeBatch` finds them, in the order of
  /// `vectors`.
  package func nearestBatch(_ vectors: [[Float]]) throws -> [[Neighbor]] {
    try runBatch(vectors) { _, neighbors in neighbors }
  }

  /// Index searches one query per core, exact scans one many-to-many pass for the batch, then
  /// `finish` of each query's neighbours, one query per core.
  private func runBatch<Value>(
    _ vectors: [[Float]], finish: @Sendable (VectorSearchExecutor, [Neighbor]) throws -> Value
  ) throws -> [Value] {
    for vector in vectors {
      try QueryPlanner.validate(vector: vector, dimension: plan.dimension, column: plan.column)
    }
    var scanned: (neighbors: [[Neighbor]], rows: Int)? = nil
    if vectors.count > 1 && !plan.scannedFragments.isEmpty {
      scanned = try exactScanBatch(vectors, threads: exactScanThreads)
    }
    let results = ResultSlots<Value>(count: vectors.count)
    let workers = min(vectors.count, ProcessorCount.active)
    var oneThreadEach = self
    if workers > 1 { oneThreadEach.exactScanThreads = 1 }
    let executor = oneThreadEach
    let batchScanned = scanned
    DispatchQueue.concurrentPerform(iterations: max(workers, 1)) { worker in
      var index = worker
      while index < vectors.count {
        let given = batchScanned.map { (neighbors: $0.neighbors[index], rows: $0.rows) }
        results.set(
          index,
          Result {
            try finish(executor, try executor.nearest(to: vectors[index], scanned: given).neighbors)
          })
        index += workers
      }
    }
    return try results.values()
  }
}
