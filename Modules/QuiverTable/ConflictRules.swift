/// Which commits may be rebased over which: when a writer loses the race for a version number,
/// every version committed since it read the table is checked against its own operation.
///
/// See Docs/Format.md, "Tables: layout, manifests, deletions" (conflicts and retry).
package enum ConflictRules {
  /// Whether `ours` (not yet committed, prepared on an older version) can still be committed
  /// after `theirs` was committed concurrently.
  package static func isCompatible(ours: CommitOperation, theirs: CommitOperation) -> Bool {
    func overlaps(_ left: [UInt32], _ right: [UInt32]) -> Bool {
      !Set(left).isDisjoint(with: right)
    }
    // Fragments a concurrent commit changed or dropped (a delete drops fully deleted ones).
    let theirsTouched = theirs.updatedFragmentIDs + theirs.removedFragmentIDs
    // A create never rebases: the table exists. Overwrite and restore replace everything and
    // win over anything committed meanwhile (last writer wins, as a user asked for).
    switch ours.kind {
    case .create: return false
    case .overwrite, .restore: return true
    default: break
    }
    // Anything committed meanwhile that replaced the whole content invalidates our plan.
    switch theirs.kind {
    case .create, .overwrite, .restore: return false
    default: break
    }
    switch ours.kind {
    case .append:
      // New fragments get fresh ids on rebase; nothing of ours touches existing fragments.
      return true
    case .delete, .update:
      // An update deletes like a delete; its new fragments get fresh ids like an append's.
      switch theirs.kind {
      case .delete, .update, .compact: return !overlaps(ours.updatedFragmentIDs, theirsTouched)
      default: return true
      }
    case .compact:
      switch theirs.kind {
      case .delete, .update, .compact: return !overlaps(ours.removedFragmentIDs, theirsTouched)
      case .addColumn: return false
      default: return true
      }
    case .createIndex, .dropIndex:
      switch theirs.kind {
      case .delete, .update, .compact:
        return !overlaps(ours.updatedFragmentIDs, theirs.removedFragmentIDs)
      case .createIndex, .dropIndex: return ours.name != theirs.name
      default: return true
      }
    case .tag:
      return theirs.kind != .tag || ours.name != theirs.name
    case .addColumn:
      switch theirs.kind {
      case .addColumn, .compact: return false
      default: return true
      }
    case .create, .overwrite, .restore:
      return true
    }
  }
}
