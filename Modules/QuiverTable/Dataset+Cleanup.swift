import Foundation
import QuiverFormat
import QuiverStorage

/// What `Dataset.cleanup` removed.
public struct CleanupReport: Sendable, Hashable {
  /// The versions whose manifests were removed, ascending.
  public var removedVersions: [UInt64] = []
  /// How many data, deletion, index and temporary files (or index folders) were removed.
  public var removedFiles: Int = 0
  /// Their total size in bytes.
  public var removedBytes: Int = 0
  /// The removed files and index folders, relative to the table folder (`data/…`,
  /// `_indices/<uuid>/`), in the order they were removed.
  public var removedPaths: [String] = []
}

extension Dataset {
  /// Removes old versions and every file no remaining version references.
  ///
  /// A version is removed when it is older than `olderThan` (if given) and not among the newest
  /// `keepVersions` (if given); the latest version and tagged versions are always kept. A file
  /// that no remaining version references is removed only if it was last modified more than
  /// `inFlightGracePeriod` seconds ago: a commit in flight writes its files before its manifest,
  /// so younger unreferenced files may belong to it.
  /// - Throws: `TableError.invalidArgument` if neither criterion is given; the error of a
  ///   remaining manifest that cannot be read (then nothing is removed).
  /// - Complexity: reads every manifest and lists every file of the table.
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
    let entries = try TableError.translatingStorageErrors { try storage.list(.root) }
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
      let horizon = Date().addingTimeInterval(-inFlightGracePeriod)
      var unreferencedIndices: [String: [StorageEntry]] = [:]
      for entry in entries {
        let components = entry.path.components
        let name = entry.path.lastComponent
        let sweep: Bool
        switch components.first {
        case TableLayout.dataPath.lastComponent, TableLayout.deletionsPath.lastComponent:
          sweep = true
        case TableLayout.versionsPath.lastComponent:
          // Temporary files of writes in flight (or killed) and row-id maps; never manifests.
          sweep = components.count == 2
            && (name.hasPrefix(".") || name.hasSuffix(TableLayout.rowIDMapSuffix))
        case TableLayout.indicesPath.lastComponent:
          if components.count >= 3 && !referencedIndices.contains(components[1]) {
            unreferencedIndices[components[1], default: []].append(entry)
          }
          sweep = false
        default:
          sweep = false
        }
        guard sweep, !referenced.contains(entry.path.description), entry.lastModified < horizon
        else { continue }
        try storage.delete(entry.path)
        report.removedFiles += 1
        report.removedBytes += entry.size
        report.removedPaths.append(entry.path.description)
      }
      // An unreferenced index folder goes whole, once all its files are old; it counts as one.
      for (uuid, files) in unreferencedIndices.sorted(by: { $0.key < $1.key })
      where files.allSatisfy({ $0.lastModified < horizon }) {
        for file in files { try storage.delete(file.path) }
        let folder = try TableLayout.indexFolder(uuid)
        try layout.removeFolderIfEmpty(folder)
        report.removedFiles += 1
        report.removedBytes += files.reduce(0) { $0 + $1.size }
        report.removedPaths.append("\(folder.description)/")
      }
    }
    return report
  }
}
