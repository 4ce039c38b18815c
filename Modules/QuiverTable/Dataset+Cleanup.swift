import Foundation
import QuiverFormat

/// What `Dataset.cleanup` removed.
public struct CleanupReport: Sendable, Hashable {
  /// The versions whose manifests were removed, ascending.
  public var removedVersions: [UInt64] = []
  /// How many data, deletion, index and temporary files (or index folders) were removed.
  public var removedFiles: Int = 0
  /// Their total size in bytes.
  public var removedBytes: Int = 0
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
        let time = manifest?.timestamp ?? DurableFile.modificationDate(layout.manifestURL(version))
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
    for version in removable {
      try DurableFile.remove(layout.manifestURL(version))
      report.removedVersions.append(version)
    }
    if !removable.isEmpty { try DurableFile.syncDirectory(layout.versionsFolder) }

    let horizon = Date().addingTimeInterval(-inFlightGracePeriod)
    func isOld(_ url: URL) -> Bool {
      guard let time = DurableFile.modificationDate(url) else { return false }
      return time < horizon
    }
    func sweep(_ folder: URL, relativePrefix: String, include: (String) -> Bool) throws {
      var removedAny = false
      for name in try DurableFile.names(in: folder) where include(name) {
        let path = relativePrefix + name
        let url = folder.appendingPathComponent(name)
        guard !referenced.contains(path), isOld(url) else { continue }
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        try DurableFile.remove(url)
        report.removedFiles += 1
        report.removedBytes += size
        removedAny = true
      }
      if removedAny { try DurableFile.syncDirectory(folder) }
    }
    try sweep(layout.dataFolder, relativePrefix: "data/") { _ in true }
    try sweep(layout.deletionsFolder, relativePrefix: "_deletions/") { _ in true }
    try sweep(layout.versionsFolder, relativePrefix: "_versions/") { name in
      name.hasPrefix(TableLayout.temporaryPrefix) || name.hasSuffix(TableLayout.rowIDMapSuffix)
    }
    for uuid in try DurableFile.names(in: layout.indicesFolder)
    where !referencedIndices.contains(uuid) {
      let folder = layout.indexFolder(uuid)
      let contents = try DurableFile.names(in: folder).map { folder.appendingPathComponent($0) }
      guard isOld(folder), contents.allSatisfy(isOld) else { continue }
      do {
        try FileManager.default.removeItem(at: folder)
      } catch {
        throw TableError(
          .ioFailure,
          "cannot remove index folder '\(folder.path)': \(systemErrorReason(error))",
          underlying: error)
      }
      report.removedFiles += 1
    }
    return report
  }
}
