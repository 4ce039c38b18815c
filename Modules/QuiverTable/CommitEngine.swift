import Foundation
import QuiverStorage

/// Claims version numbers: writes a manifest with `Storage.putIfAbsent` (locally a durable
/// temporary file linked to the version's name, which fails if the name exists; on S3 a PUT
/// with `If-None-Match: *`, which gets 412 if the key exists). A writer that loses the race
/// reads what was committed meanwhile (each manifest by name, until the first free number) and,
/// if compatible, rebuilds its manifest on the newest one and tries the next number; nothing of
/// a commit that gives up is visible.
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
            "table '\(layout.location)' version \(current.version) needs writer features 0x\(String(unknownWriter, radix: 16)) this build does not know"
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
        throw TableError(.alreadyExists, "a table already exists in '\(layout.location)'")
      }
      attempts += 1
      guard attempts <= maxRetries else {
        throw TableError(
          .commitConflict,
          "\(intent.kind.rawValue) on '\(layout.location)' lost the race for a version \(attempts) times; giving up"
        )
      }
      // Read what won, version after version by name, until the first number nobody has
      // claimed (a listing may lag behind the writes on an object store).
      var newest = lost
      var version = lost.version + 1
      while true {
        // The number we lost exists; a higher one exists if the listing shows it.
        let claimed = version == lost.version + 1
        let mustExist = { try claimed || (layout.latestVersion() ?? 0) > version }
        guard let theirs = try readClaimedManifest(version, layout: layout, mustExist: mustExist)
        else { break }
        guard ConflictRules.isCompatible(ours: intent, theirs: theirs.operation) else {
          throw TableError(
            .commitConflict,
            "\(intent.kind.rawValue) prepared on version \(base?.version ?? 0) of '\(layout.location)' conflicts with \(theirs.operation.kind.rawValue) committed as version \(version); nothing was committed"
          )
        }
        newest = theirs
        version += 1
      }
      current = newest
    }
  }

  /// Reads the manifest of `version`, or nil when there is none and `mustExist` says there need
  /// not be (the first free number).
  /// - Throws: `TableError.commitConflict` if it must exist but stays missing.
  ///
  /// A version that must exist (we lost the race for it, or a higher one is listed) but reads
  /// as missing is read again for up to `settleSeconds`: an object store may answer a GET of a
  /// key written a moment ago with 404 (SeaweedFS's gateway remembers a 404 from just before
  /// the write). Still missing after that, it was removed (by cleanup): nil, never a number to
  /// fill again.
  static func readClaimedManifest(
    _ version: UInt64, layout: TableLayout, mustExist: () throws -> Bool
  ) throws -> Manifest? {
    let deadline = ContinuousClock.now + .seconds(settleSeconds)
    var delay = Duration.milliseconds(10)
    while true {
      do {
        return try layout.readManifest(version)
      } catch let error as TableError where error.code == .notFound {
        guard try mustExist() else { return nil }
        guard ContinuousClock.now < deadline else {
          throw TableError(
            .commitConflict,
            "concurrent version \(version) of '\(layout.location)' was removed before it could be checked",
            underlying: error)
        }
        Thread.sleep(forTimeInterval: Double(delay.components.attoseconds) / 1e18)
        delay = min(delay * 2, .milliseconds(200))
      }
    }
  }

  /// How long a manifest that must exist may read as missing before it counts as removed.
  static let settleSeconds: Int64 = 3

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
