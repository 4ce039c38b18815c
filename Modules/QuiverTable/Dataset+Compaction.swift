import Foundation
import QuiverFormat
import QuiverStorage

/// What `Dataset.compact` rewrites.
public struct CompactionOptions: Sendable, Hashable {
  /// Fragments with fewer rows are merged with their neighbours up to this many rows per new
  /// fragment.
  public var targetRowsPerFragment: Int
  /// A fragment with more than this fraction of its rows deleted is rewritten without them.
  public var deletedFractionThreshold: Double

  /// Creates options.
  public init(targetRowsPerFragment: Int = 1_048_576, deletedFractionThreshold: Double = 0.1) {
    self.targetRowsPerFragment = targetRowsPerFragment
    self.deletedFractionThreshold = deletedFractionThreshold
  }
}

/// What a compaction committed.
public struct CompactionResult: Sendable, Hashable {
  /// The version it committed.
  public var version: UInt64
  /// Fragments it removed (rewritten into the added ones).
  public var removedFragmentIDs: [UInt32]
  /// Fragments it added.
  public var addedFragmentIDs: [UInt32]
  /// Old to new row ids of every moved row (also stored in the table).
  public var rowIDMap: RowIDMap
}

extension Dataset {
  /// Merges runs of small neighbouring fragments and rewrites fragments with many deleted rows
  /// without them, as one new version. Row ids of the rewritten rows change: the result (and
  /// `rowIDMap(compactionVersion:)`) maps old ids to new ones. Index entries keep covering only
  /// the fragments that were not rewritten.
  /// - Returns: nil when nothing needs rewriting (nothing is committed).
  /// - Throws: `TableError.commitConflict` if a concurrent delete or compaction touched the
  ///   same fragments.
  @discardableResult
  public mutating func compact(_ compaction: CompactionOptions = CompactionOptions()) throws
    -> CompactionResult?
  {
    try requireWritable("compact")
    guard compaction.targetRowsPerFragment >= 1 else {
      throw TableError(
        .invalidArgument, "targetRowsPerFragment \(compaction.targetRowsPerFragment) is below 1")
    }
    let bins = compactionBins(compaction)
    guard !bins.isEmpty else { return nil }
    let schema = try schema()

    // Rewrite each bin: the live rows of its fragments, in order, streamed into new fragments.
    struct RewrittenBin {
      var removed: [UInt32]
      var added: [NewFragment]
      /// For each new row (in order over the added fragments): its old row id.
      var oldRowIDs: [UInt64]
    }
    var rewritten: [RewrittenBin] = []
    for bin in bins {
      var sink = try FragmentSink(
        layout: layout, schema: schema, maxRowsPerFragment: compaction.targetRowsPerFragment,
        fileOptions: options.dataFileOptions, synchronize: options.synchronousCommits)
      var oldRowIDs: [UInt64] = []
      try scan(fragmentIDs: bin.map(\.id)) { part in
        try sink.write(part.batch)
        oldRowIDs += part.rowIDs
      }
      rewritten.append(
        RewrittenBin(removed: bin.map(\.id), added: try sink.finish(), oldRowIDs: oldRowIDs))
    }
    let removedIDs = rewritten.flatMap(\.removed)
    let readManifest = manifest
    var map = RowIDMap(removedFragmentIDs: [], pairs: [])
    var addedIDs: [UInt32] = []
    manifest = try committed(
      intent: CommitOperation(kind: .compact, removedFragmentIDs: removedIDs)
    ) { base in
      var next = base.nextFragmentID
      var fragments = base.fragments
      var pairs: [(old: UInt64, new: UInt64)] = []
      var added: [UInt32] = []
      for bin in rewritten {
        for id in bin.removed {
          guard let current = base.fragment(id), current == readManifest.fragment(id) else {
            throw TableError(
              .commitConflict, "fragment \(id) of '\(location)' changed during compaction")
          }
        }
        let (records, ids) = Dataset.assignIDs(bin.added, from: next)
        next += UInt32(records.count)
        added += ids
        var position = 0
        for record in records {
          for offset in 0..<record.physicalRowCount {
            pairs.append((bin.oldRowIDs[position], record.rowID(offset: offset)))
            position += 1
          }
        }
        let insertAt = fragments.firstIndex { $0.id == bin.removed[0] }!
        fragments.removeAll { bin.removed.contains($0.id) }
        fragments.insert(contentsOf: records, at: min(insertAt, fragments.count))
      }
      map = RowIDMap(removedFragmentIDs: removedIDs, pairs: pairs)
      addedIDs = added
      let mapPath =
        "_versions/"
        + TableLayout.manifestName(base.version + 1).dropLast(TableLayout.manifestSuffix.count)
        + "-\(UUID().uuidString.prefix(8).lowercased())" + TableLayout.rowIDMapSuffix
      try writeNewObject(mapPath, RowIDMapCodec.encode(map))
      var manifest = base
      manifest.fragments = fragments
      manifest.nextFragmentID = next
      let removedSet = Set(removedIDs)
      manifest.indices = base.indices.map { entry in
        var entry = entry
        entry.fragmentIDs.removeAll { removedSet.contains($0) }
        return entry
      }
      manifest.operation = CommitOperation(
        kind: .compact, addedFragmentIDs: added, removedFragmentIDs: removedIDs.sorted(),
        rowIDMapPath: mapPath)
      return manifest
    }
    return CompactionResult(
      version: version, removedFragmentIDs: removedIDs.sorted(), addedFragmentIDs: addedIDs,
      rowIDMap: map)
  }

  /// The row-id map recorded by the compaction that committed `version`.
  /// - Throws: `TableError.notFound` if that version is not a compaction,
  ///   `.corruptDeletionFile` if the map file is damaged.
  public func rowIDMap(compactionVersion: UInt64) throws -> RowIDMap {
    let manifest = try layout.readManifest(compactionVersion)
    guard let path = manifest.operation.rowIDMapPath else {
      throw TableError(
        .notFound, "version \(compactionVersion) of '\(location)' is not a compaction")
    }
    let objectPath = try TableLayout.path(path, field: "version \(compactionVersion) row-id map path")
    let bytes: [UInt8]
    do {
      bytes = try layout.storage.read(objectPath)
    } catch let error as StorageError {
      throw TableError(error)
    }
    return try RowIDMapCodec.decode(bytes, source: layout.sourceURL(objectPath))
  }

  /// Runs of neighbouring fragments to rewrite together: maximal runs of fragments that are
  /// small or have many deleted rows (their rows are streamed into target-sized fragments).
  func compactionBins(_ compaction: CompactionOptions) -> [[FragmentMetadata]] {
    var bins: [[FragmentMetadata]] = []
    var current: [FragmentMetadata] = []
    func close() {
      // A lone fragment is only worth rewriting to drop its deleted rows.
      if current.count > 1 || current.first.map({ $0.deletedRowCount > 0 }) == true {
        bins.append(current)
      }
      current = []
    }
    for fragment in manifest.fragments {
      let deletedFraction =
        Double(fragment.deletedRowCount) / Double(max(1, fragment.physicalRowCount))
      let small = fragment.physicalRowCount < compaction.targetRowsPerFragment
      let dirty =
        fragment.deletedRowCount > 0 && deletedFraction > compaction.deletedFractionThreshold
      if small || dirty { current.append(fragment) } else { close() }
    }
    close()
    return bins
  }
}
