extension Dataset {
  /// Deletion files written for a delete that is not yet committed.
  struct PreparedDeletion {
    /// The manifest the deletion was prepared on.
    var readManifest: Manifest
    /// New deletion files by fragment id.
    var replacements: [UInt32: DeletionFileRecord] = [:]
    /// Fragments whose rows are now all deleted (dropped from the version).
    var emptiedFragmentIDs: [UInt32] = []
    /// How many rows are newly deleted.
    var newlyDeleted = 0

    /// Fragments that get a new deletion file, ascending.
    var replacedFragmentIDs: [UInt32] { replacements.keys.sorted() }
    /// Every fragment the deletion changes, ascending.
    var touchedFragmentIDs: [UInt32] { (Array(replacements.keys) + emptiedFragmentIDs).sorted() }
  }
}
