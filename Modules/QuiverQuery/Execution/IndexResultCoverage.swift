import QuiverIndex
import QuiverKernels
import QuiverStorage

extension VectorSearchExecutor {
  /// Throws when the index returned a row outside the fragments this version gives it, or past
  /// the end of its fragment: only damaged index files hold such rows (Docs/Format.md,
  /// "Validation on read"), and reading them would return another row's data or fail in
  /// `take` without naming the index.
  /// - Complexity: O(k × covered fragments) at worst; one comparison per row when consecutive
  ///   results share a fragment.
  /// - Throws: `IndexError.corruptFile` naming the index, the row id and the fragment.
  func requireCovered(_ found: [Neighbor], index: any QueryVectorIndex) throws(IndexError) {
    var last: QueryFragment? = nil
    for neighbor in found {
      let fragmentID = RowID.fragmentID(neighbor.id)
      if last?.id != fragmentID {
        last = plan.indexedFragments.first { $0.id == fragmentID }
      }
      guard let fragment = last else {
        throw IndexError(
          .corruptFile,
          "index '\(index.name)' returned row id \(neighbor.id) of fragment \(fragmentID), "
            + "which is not among the fragments it covers")
      }
      let offset = Int(RowID.offset(neighbor.id))
      guard offset < fragment.physicalRowCount else {
        throw IndexError(
          .corruptFile,
          "index '\(index.name)' returned row id \(neighbor.id): offset \(offset) of fragment "
            + "\(fragmentID), which has \(fragment.physicalRowCount) rows")
      }
    }
  }
}
