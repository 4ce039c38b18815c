import Foundation

extension Dataset {
  /// Makes the content of `version` (schema, fragments, indexes) the new latest version; tags
  /// are kept as they are in the latest version.
  /// - Throws: `TableError.notFound` for an unknown version.
  public mutating func restore(version restored: UInt64) throws {
    let source = try layout.readManifest(restored)
    try restore(from: source)
  }

  /// Makes the content of this snapshot the new latest version (for a view from
  /// `checkout(version:)`, which becomes writable at the new version).
  public mutating func restore() throws {
    let source = manifest
    try restore(from: source)
  }

  private mutating func restore(from source: Manifest) throws {
    if isReadOnly {
      guard let latest = try layout.latestVersion() else {
        throw TableError(.notFound, "no table in '\(location)'")
      }
      manifest = try layout.readManifest(latest)
      isReadOnly = false
    }
    manifest = try committed(intent: CommitOperation(kind: .restore, restoredVersion: source.version)) { base in
      var manifest = source
      manifest.tags = base.tags
      manifest.nextFragmentID = max(base.nextFragmentID, source.nextFragmentID)
      let now = Set(source.fragments.map(\.id))
      let before = Set(base.fragments.map(\.id))
      manifest.operation = CommitOperation(
        kind: .restore, addedFragmentIDs: now.subtracting(before).sorted(),
        removedFragmentIDs: before.subtracting(now).sorted(), restoredVersion: source.version)
      return manifest
    }
  }
}
