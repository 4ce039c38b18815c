import Foundation
import QuiverFormat
import QuiverStorage

extension Dataset {
  /// Removes old versions and every file no remaining version references.
  ///
  /// A version is removed when it is older than `olderThan` (if given) and not among the newest
  /// `keepVersions` (if given); the latest version and tagged versions are always kept. A file
  /// that no remaining version references is removed only if it was last modified more than
  /// `inFlightGracePeriod` seconds ago: a commit in flight writes its files before its manifest,
  /// so younger unreferenced files may belong to it. The same holds for folders: the folder of
  /// an index no remaining version names goes whole once its newest file (or, empty, the folder
  /// itself) is that old, and so do folders a killed write left empty (`OrphanSweep`).
  /// - Throws: `TableError.invalidArgument` if neither criterion is given; the error of a
  ///   remaining manifest that cannot be read (then nothing is removed).
  /// - Complexity: reads every manifest and lists every file and empty folder of the table.
  @discardableResult
  public func cleanup(
    olderThan: Date? = nil, keepVersions: Int? = nil, inFlightGracePeriod: TimeInterval = 3600
  ) throws -> CleanupReport {
    try requireWritable("clean up")
    guard olderThan != nil || keepVersions != nil else {
      throw TableError(.invalidArgument, "cleanup needs olderThan or keepVersions")
    }
    if let keepVersions, keepVersions < 1 {
      throw TableError(.invalidArgument, "cleanup keepVersions \(keepVersions) is below 1")
    }
    let storage = layout.storage(synchronous: options.synchronousCommits)
    let (entries, emptyFolders) = try TableError.translatingStorageErrors {
      (try storage.list(.root), try storage.emptyFolders(under: .root))
    }
    let modified = Dictionary(entries.map { ($0.path, $0.lastModified) }) { first, _ in first }
    let versions = try layout.listVersions()
    guard let latest = versions.last else { return CleanupReport() }
    let latestManifest = try layout.readManifest(latest)
    let tagged = Set(latestManifest.tags.values)

    var removable: [UInt64] = []
    var kept: [Manifest] = [latestManifest]
    for (position, version) in versions.enumerated() where version != latest {
      let rankFromNewest = versions.count - 1 - position
      var remove = !tagged.contains(version)
      if let keepVersions, rankFromNewest < keepVersions { remove = false }
      // An unreadable old manifest may still go by count, and by age using its file's time;
      // one that must be kept stops the cleanup, since its files are unknown.
      var manifest: Manifest?
      do {
        manifest = try layout.readManifest(version)
      } catch {
        if !remove { throw error }
      }
      if let olderThan, remove {
        let time = manifest?.timestamp ?? modified[TableLayout.manifestPath(version)]
        if let time, time >= olderThan { remove = false }
      }
      if remove {
        removable.append(version)
      } else {
        guard let manifest else { _ = try layout.readManifest(version); continue }
        kept.append(manifest)
      }
    }

    var referenced = Set<String>()
    var referencedIndices = Set<String>()
    for manifest in kept {
      for fragment in manifest.fragments {
        for file in fragment.dataFiles { referenced.insert(file.path) }
        if let deletion = fragment.deletionFile { referenced.insert(deletion.path) }
      }
      if let map = manifest.operation.rowIDMapPath { referenced.insert(map) }
      for entry in manifest.indices { referencedIndices.insert(entry.uuid) }
    }

    var report = CleanupReport()
    try TableError.translatingStorageErrors {
      for version in removable {
        try storage.delete(TableLayout.manifestPath(version))
        report.removedVersions.append(version)
      }
      let sweep = OrphanSweep(
        storage: storage, referencedFiles: referenced, referencedIndices: referencedIndices,
        horizon: Date().addingTimeInterval(-inFlightGracePeriod))
      try sweep.run(files: entries, emptyFolders: emptyFolders, into: &report)
    }
    return report
  }
}
