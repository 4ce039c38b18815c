import QuiverIndex
import QuiverKernels
import QuiverQuery
import QuiverStorage
import QuiverTable

/// An opened index of a table under the manifest entry of one version, as the query executor
/// uses it. The entry says which fragments the index covers in that version; the index says
/// which it holds rows of.
struct TableIndex: QueryVectorIndex {
  let entry: IndexEntry
  let index: any VectorIndex

  var name: String { entry.name }
  var typeName: String { entry.indexType }
  var column: String { entry.column }
  var metric: DistanceMetric { index.metric }
  var fragmentIds: Set<UInt32> { Set(entry.fragmentIDs) }
  var indexedFragmentIds: Set<UInt32>? { index.indexedFragmentIDs.map(Set.init) }
  var partitionCount: Int { index.partitionCount }
  var usesGraph: Bool { index.usesGraph }
  var returnsExactDistances: Bool { index.returnsExactDistances }

  func search(_ query: [Float], k: Int, nprobes: Int, ef: Int?, allowed: RowSet?) throws
    -> [Neighbor]
  {
    try index.search(query, k: k, nprobes: nprobes, ef: ef, filter: allowed)
  }

  /// `index` under `entry` in `dataset`'s version, after checking that the index holds no rows
  /// of a fragment the version has but the entry does not cover (Docs/Format.md, "Validation
  /// on read"). Fragment ids are never reused, so such rows can only come from damaged files;
  /// rows of fragments the version no longer has (compacted away) are expected.
  /// - Throws: `IndexError.corruptFile` naming the index, its folder and the fragment.
  static func checked(entry: IndexEntry, index: any VectorIndex, dataset: Dataset)
    throws(IndexError) -> TableIndex
  {
    if let held = index.indexedFragmentIDs {
      let covered = Set(entry.fragmentIDs)
      let present = Set(dataset.fragmentIDs)
      if let stray = held.first(where: { present.contains($0) && !covered.contains($0) }) {
        throw IndexError(
          .corruptFile,
          "index '\(entry.name)' (_indices/\(entry.uuid)) holds rows of fragment \(stray), which "
            + "version \(dataset.version) has but the index does not cover")
      }
    }
    return TableIndex(entry: entry, index: index)
  }
}
