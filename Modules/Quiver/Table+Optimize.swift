import Foundation
import QuiverFormat
import QuiverIndex
import QuiverQuery
import QuiverStorage
import QuiverTable

extension Table {
  /// Compacts the table, brings every vector index up to date and removes old versions, as
  /// `options` says (LanceDB's `optimize`). Indexes are updated without retraining (see
  /// `updateIndex(named:progress:)`); retraining stays an explicit `createIndex` of the same name.
  ///
  /// Every part commits its own versions, so a failure (or a killed process) leaves the table
  /// at the last version committed, fully usable; index files written for a commit that did not
  /// happen are removed (or, after a crash, by `cleanup`). Writers that commit meanwhile are
  /// rebased over as for any commit: rows a concurrent `add` appends stay in the table and are
  /// searched exactly until the next optimize.
  ///
  /// - Parameters:
  ///   - options: What to compact, which indexes to update and what to clean up.
  ///   - progress: Called with the phase (compacting; per index reading, remapping,
  ///     assigning, encoding, graph building, writing; cleaning up) and the fraction of the whole
  ///     call done, on the optimizing thread (or a worker of an index's append); the fraction
  ///     never decreases and the last report has fraction 1.
  /// - Returns: What was compacted, which indexes were updated, what was removed.
  /// - Throws: `TableError` (`.commitConflict` when a concurrent compaction or delete touched
  ///   the same fragments, nothing of that part committed), `IndexError` for an index that
  ///   cannot be read or written (the parts before it stay committed).
  @discardableResult
  public func optimize(
    _ options: OptimizeOptions = OptimizeOptions(), progress: IndexBuildProgressHandler? = nil
  ) throws -> OptimizeReport {
    var report = OptimizeReport()
    let names = options.updateIndexes ? indices.map(\.name) : []
    // Shares of the whole: an index update weighs most (its graphs or codes), a cleanup least.
    let weights =
      [options.compaction == nil ? 0 : 1.0] + names.map { _ in 4.0 }
      + [options.removeVersionsOlderThan == nil ? 0 : 0.25]
    let total = max(weights.reduce(0, +), .leastNonzeroMagnitude)
    var boundaries = [0.0]
    for weight in weights { boundaries.append(boundaries[boundaries.count - 1] + weight / total) }
    let tracker = OptimizeProgress(progress)
    let steps = (0..<weights.count).map {
      tracker.whole.part(from: boundaries[$0], to: boundaries[$0 + 1])
    }
    if let compaction = options.compaction {
      steps[0].report(.compacting, 0, of: 1)
      report.compaction = try compact(compaction)
      steps[0].report(.compacting, 1, of: 1)
    }
    for (position, name) in names.enumerated() {
      if let update = try updateIndex(named: name, progress: steps[position + 1]) {
        report.indexes.append(update)
      }
    }
    if let age = options.removeVersionsOlderThan {
      let cleanupStep = steps[weights.count - 1]
      cleanupStep.report(.cleaningUp, 0, of: 1)
      report.cleanup = try cleanup(olderThan: Date().addingTimeInterval(-age))
      cleanupStep.report(.cleaningUp, 1, of: 1)
    }
    tracker.finish()
    return report
  }

  /// Brings the index `name` up to date without retraining, as a new version with new index
  /// files (older versions keep theirs):
  /// - rows that compactions since the index was built moved to new fragments are remapped
  ///   through the row-id maps those compactions recorded (rows deleted before the compaction
  ///   are dropped);
  /// - rows of fragments the index does not cover (appended since, or rewritten together with
  ///   unindexed rows) are assigned to the existing partitions, encoded with the existing
  ///   quantizer and inserted into the existing graphs.
  /// Afterwards the index covers every fragment of the version it was updated on.
  ///
  /// - Parameters:
  ///   - name: The index to update.
  ///   - progress: Called with the phase (reading, remapping, assigning, encoding,
  ///     graph building, writing) and the fraction done, as `optimize(_:progress:)` does.
  /// - Returns: What changed, or nil when the index was already up to date.
  /// - Throws: `TableError.notFound` for an unknown index, `IndexError.unsupportedIndexType`
  ///   for an index type that cannot add rows without retraining, `TableError.commitConflict`
  ///   when a concurrent compaction removed fragments it now covers (nothing is committed).
  @discardableResult
  public func updateIndex(named name: String, progress: IndexBuildProgressHandler? = nil) throws
    -> IndexUpdate?
  {
    let tracker = OptimizeProgress(progress)
    let update = try updateIndex(named: name, progress: tracker.whole)
    tracker.finish()
    return update
  }

  /// `updateIndex(named:progress:)`, reporting within `progress`: remapping, then reading the
  /// new rows, appending and writing.
  private func updateIndex(named name: String, progress: OptimizeProgress.Span) throws
    -> IndexUpdate?
  {
    let base = withDataset { $0 }
    guard let entry = base.indices.first(where: { $0.name == name }) else {
      throw TableError(.notFound, "table '\(self.name)' has no index '\(name)'")
    }
    let index = try IndexLoader.open(entry, dataset: base, memoryBudget: memoryBudget)
    let maps = try base.compactionMaps(after: entry.createdInVersion)
    let present = Set(base.fragmentIDs)
    let covered = Set(entry.fragmentIDs)
    let uncovered = base.fragmentIDs.filter { !covered.contains($0) }
    let stale = index.indexedFragmentIDs.map { !Set($0).isSubset(of: covered) } ?? !maps.isEmpty
    guard !uncovered.isEmpty || stale else { return nil }

    // Shares of the update: the append (graph insertion or encoding) is most of the work.
    let remapping = progress.part(from: 0, to: 0.1)
    let reading = progress.part(from: 0.1, to: 0.2)
    let appending = progress.part(from: 0.2, to: 0.9)
    let writing = progress.part(from: 0.9, to: 1)

    // Row ids through the compactions, in order; rows left in no fragment are dropped.
    remapping.report(.remapping, 0, of: index.rowCount)
    var remappedRows = 0
    var removedRows = 0
    var heldInUncovered = Set<UInt64>()
    let remapped = try index.remappingRowIDs { rowID in
      var current = rowID
      for map in maps where !present.contains(RowID.fragmentID(current)) {
        guard let next = map.newRowID(for: current) else { break }
        current = next
      }
      let fragment = RowID.fragmentID(current)
      guard present.contains(fragment) else {
        removedRows += 1
        return nil
      }
      if current != rowID { remappedRows += 1 }
      if !covered.contains(fragment) { heldInUncovered.insert(current) }
      return current
    }

    // Rows of the uncovered fragments the index does not hold yet.
    let schema = try base.schema()
    guard let dimension = schema.field(named: entry.column)?.type.vectorDimension else {
      throw IndexError(
        .unknownColumn, "index '\(name)': the table has no vector column '\(entry.column)'")
    }
    remapping.report(.remapping, index.rowCount, of: index.rowCount)
    var vectors: [Float] = []
    var rowIDs: [UInt64] = []
    let uncoveredSet = Set(uncovered)
    let uncoveredRows = base.fragments.filter { uncoveredSet.contains($0.id) }
      .reduce(0) { $0 + $1.physicalRowCount }
    var rowsRead = 0
    if !uncovered.isEmpty {
      try base.scan(columns: [entry.column], fragmentIDs: uncovered) { part in
        let column = part.batch.columns[0]
        column.withFloatVectors { flat in
          for row in 0..<part.batch.rowCount
          where !column.isNull(row) && !heldInUncovered.contains(part.rowIDs[row]) {
            vectors += flat[(row * dimension)..<((row + 1) * dimension)]
            rowIDs.append(part.rowIDs[row])
          }
        }
        rowsRead += part.batch.rowCount
        reading.report(.reading, rowsRead, of: uncoveredRows)
      }
    }
    let updated = try remapped.appending(
      vectors: vectors, rowIds: rowIDs, progress: appending.handler)

    let replacement = IndexEntry(
      name: entry.name, column: entry.column, indexType: entry.indexType, metric: entry.metric,
      fragmentIDs: base.fragmentIDs, parameters: entry.parameters)
    let location = try base.indexStorage(uuid: replacement.uuid)
    let committedVersion: UInt64
    writing.report(.writing, 0, of: updated.rowCount)
    do {
      try updated.write(to: IndexFolder(storage: location.storage, path: location.folder))
      committedVersion = try withDataset { dataset in
        // Another writer of this table may have replaced the index meanwhile.
        guard dataset.indices.first(where: { $0.name == name })?.uuid == entry.uuid else {
          throw TableError(
            .commitConflict,
            "index '\(name)' of table '\(self.name)' was replaced while it was being updated")
        }
        try dataset.commitIndex(replacement)
        return dataset.version
      }
    } catch {
      // Not committed: no version will ever refer to these files.
      try? base.discardIndexFiles(uuid: replacement.uuid)
      throw error
    }
    writing.report(.writing, updated.rowCount, of: updated.rowCount)
    return IndexUpdate(
      name: name, previousUUID: entry.uuid, uuid: replacement.uuid, addedRows: rowIDs.count,
      remappedRows: remappedRows, removedRows: removedRows, version: committedVersion)
  }
}

extension Dataset {
  /// The row-id maps of the compactions committed after `version`, oldest first.
  /// - Throws: `TableError` when a manifest or a map cannot be read.
  fileprivate func compactionMaps(after version: UInt64) throws -> [RowIDMap] {
    try versions()
      .filter { $0.version > version && $0.version <= self.version && $0.operation == .compact }
      .map { try rowIDMap(compactionVersion: $0.version) }
  }
}
