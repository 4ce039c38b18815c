import Foundation
import QuiverStorage

/// Claims version numbers: writes a manifest with `Storage.putIfAbsent` (locally a durable
/// temporary file linked to the version's name, which fails if the name exists). A writer that
/// loses the race checks what was committed meanwhile and, if compatible, rebuilds its
/// manifest on the new latest version and tries the next number.
///
/// See Docs/Format.md, "Tables: layout, manifests, deletions" (commit protocol).
enum CommitEngine {
  /// Commits one new version.
  /// - Parameters:
  ///   - layout: The table.
  ///   - base: The manifest the change was prepared on (nil to create version 1).
  ///   - intent: The operation, for the conflict check against concurrent commits.
  ///   - maxRetries: How many lost races to rebase over before giving up.
  ///   - build: Makes the new manifest's content from the latest committed manifest (nil when
  ///     creating); may throw `TableError.commitConflict`. Version, timestamp and feature flags
  ///     are set here.
  /// - Returns: The committed manifest.
  /// - Throws: `TableError.commitConflict` if a concurrent commit is incompatible (nothing of
  ///   this commit is visible), `.alreadyExists` if creating and the table exists.
  static func commit(
    layout: TableLayout, base: Manifest?, intent: CommitOperation, maxRetries: Int,
    synchronous: Bool = true, build: (Manifest?) throws -> Manifest
  ) throws -> Manifest {
    var current = base
    var attempts = 0
    while true {
      if let current {
        let unknownWriter = current.writerFeatures & ~TableFeatures.known
        guard unknownWriter == 0 else {
          throw TableError(
            .unsupportedFeature,
            "table '\(layout.root.path)' version \(current.version) needs writer features 0x\(String(unknownWriter, radix: 16)) this build does not know"
          )
        }
      }
      var manifest = try build(current)
      manifest.version = (current?.version ?? 0) + 1
      manifest.timestampMicroseconds = Int64((Date().timeIntervalSince1970 * 1_000_000).rounded())
      manifest.nextFragmentID = max(
        manifest.nextFragmentID, current?.nextFragmentID ?? 0,
        (manifest.fragments.map(\.id).max().map { $0 + 1 }) ?? 0)
      let features = requiredFeatures(manifest)
      manifest.readerFeatures = features
      manifest.writerFeatures = features
      if try claim(manifest, layout: layout, synchronous: synchronous) { return manifest }

      // Lost the race for this number: look at everything committed since `current`.
      guard let lost = current else {
        throw TableError(.alreadyExists, "a table already exists in '\(layout.root.path)'")
      }
      attempts += 1
      guard attempts <= maxRetries else {
        throw TableError(
          .commitConflict,
          "\(intent.kind.rawValue) on '\(layout.root.path)' lost the race for a version \(attempts) times; giving up"
        )
      }
      guard let latest = try layout.latestVersion(), latest > lost.version else {
        throw TableError(
          .ioFailure, "version \(lost.version + 1) of '\(layout.root.path)' exists but is not listed")
      }
      var newest = lost
      for version in (lost.version + 1)...latest {
        let theirs: Manifest
        do {
          theirs = try layout.readManifest(version)
        } catch let error as TableError where error.code == .notFound {
          throw TableError(
            .commitConflict,
            "\(intent.kind.rawValue) on '\(layout.root.path)': concurrent version \(version) was removed before it could be checked",
            underlying: error)
        }
        guard ConflictRules.isCompatible(ours: intent, theirs: theirs.operation) else {
          throw TableError(
            .commitConflict,
            "\(intent.kind.rawValue) prepared on version \(base?.version ?? 0) of '\(layout.root.path)' conflicts with \(theirs.operation.kind.rawValue) committed as version \(version); nothing was committed"
          )
        }
        newest = theirs
      }
      current = newest
    }
  }

  /// Writes `manifest` under its version's name unless that name is taken.
  /// - Returns: false if the version already exists.
  /// With `synchronous` false no `fsync` is made: the commit is still atomic and exclusive, but
  /// a power loss may lose it (a crash of the process cannot).
  static func claim(_ manifest: Manifest, layout: TableLayout, synchronous: Bool) throws -> Bool {
    let bytes = try ManifestCodec.encode(manifest)
    return try TableError.translatingStorageErrors {
      try layout.storage(synchronous: synchronous).putIfAbsent(
        TableLayout.manifestPath(manifest.version), bytes)
    }
  }

  /// The feature bits a reader needs for `manifest`.
  static func requiredFeatures(_ manifest: Manifest) -> UInt64 {
    var features: UInt64 = 0
    if manifest.fragments.contains(where: { $0.deletionFile != nil }) {
      features |= TableFeatures.deletionFiles
    }
    let columns = Set(manifest.fields.map(\.name))
    if manifest.fragments.contains(where: { fragment in
      !columns.isSubset(of: fragment.dataFiles.flatMap(\.columns))
    }) {
      features |= TableFeatures.missingColumnsReadAsNull
    }
    return features
  }
}
