import Foundation
import QuiverStorage

/// The part of `Dataset.cleanup` that removes what no kept version references, once it was last
/// modified before the grace period's horizon: unreferenced files in `data/`, `_deletions/` and
/// `_indices/`, every file in `_versions/` that is not a manifest (temporary files, unreferenced
/// row-id maps, strays), the whole folder of an index no version names, and folders that a
/// killed or failed write left empty or that the sweep emptied. It never follows a symbolic
/// link (the storage lists none) and never touches a referenced index folder, a manifest, the
/// table's own folders or anything outside them. See Docs/Format.md, "Cleanup".
struct OrphanSweep {
  /// The table's storage.
  let storage: any Storage
  /// The data, deletion and row-id-map files the kept versions name.
  let referencedFiles: Set<String>
  /// The uuids of the index folders the kept versions name.
  let referencedIndices: Set<String>
  /// Only what was last modified before this time is removed.
  let horizon: Date

  /// Where a listed file or empty folder belongs.
  private enum Place {
    /// Never removed by the sweep.
    case kept
    /// Removed on its own when unreferenced and old enough.
    case loose
    /// Inside the folder of the unreferenced index with this uuid, which goes whole.
    case index(String)
  }

  /// Removes the orphans among `files` and `emptyFolders` (the table's listings) and records
  /// them in `report`.
  /// - Throws: `StorageError` of a removal that failed (what was removed before is reported).
  func run(
    files: [StorageEntry], emptyFolders: [StorageFolder], into report: inout CleanupReport
  ) throws {
    var indexFiles: [String: [StorageEntry]] = [:]
    var indexFolders: [String: [StorageFolder]] = [:]
    var removedFiles: [StorageEntry] = []
    var emptied = Set<StoragePath>()
    for entry in files {
      switch place(entry.path, isFolder: false) {
      case .kept: continue
      case .index(let uuid): indexFiles[uuid, default: []].append(entry)
      case .loose:
        guard !referencedFiles.contains(entry.path.description), entry.lastModified < horizon
        else { continue }
        try storage.delete(entry.path)
        removedFiles.append(entry)
        report.record(entry)
        emptied.formUnion(Self.folders(holding: entry.path))
      }
    }
    for folder in emptyFolders {
      switch place(folder.path, isFolder: true) {
      case .kept: continue
      case .index(let uuid): indexFolders[uuid, default: []].append(folder)
      case .loose: if folder.lastModified < horizon { emptied.insert(folder.path) }
      }
    }
    for folder in try removeFolders(emptied, holding: removedFiles) { report.record(folder) }
    for uuid in Set(indexFiles.keys).union(indexFolders.keys).sorted() {
      try removeIndexFolder(
        uuid, files: indexFiles[uuid] ?? [], emptyFolders: indexFolders[uuid] ?? [],
        into: &report)
    }
  }

  /// Where `path` belongs: manifests (`_versions/<version>.manifest`), referenced index folders,
  /// the table's own folders and anything outside `data/`, `_deletions/`, `_versions/` and
  /// `_indices/` are kept.
  private func place(_ path: StoragePath, isFolder: Bool) -> Place {
    let components = path.components
    guard components.count >= 2 else { return .kept }
    switch components[0] {
    case TableLayout.dataPath.lastComponent, TableLayout.deletionsPath.lastComponent:
      return .loose
    case TableLayout.versionsPath.lastComponent:
      let isManifest =
        !isFolder && components.count == 2
        && TableLayout.version(fromManifestName: components[1]) != nil
      return isManifest ? .kept : .loose
    case TableLayout.indicesPath.lastComponent:
      if referencedIndices.contains(components[1]) { return .kept }
      return components.count == 2 && !isFolder ? .loose : .index(components[1])
    default:
      return .kept
    }
  }

  /// Removes the folder of the unreferenced index `uuid` once its newest file and folder are
  /// old enough: its files, then its folders. Reported as one folder, or file by file when
  /// something that is not an object (a link) keeps the folder.
  private func removeIndexFolder(
    _ uuid: String, files: [StorageEntry], emptyFolders: [StorageFolder],
    into report: inout CleanupReport
  ) throws {
    let times = files.map(\.lastModified) + emptyFolders.map(\.lastModified)
    guard times.allSatisfy({ $0 < horizon }) else { return }
    for file in files { try storage.delete(file.path) }
    let root = TableLayout.indicesPath.appending(trustedName: uuid)
    var folders = Set(emptyFolders.map(\.path)).union([root])
    for file in files { folders.formUnion(Self.folders(holding: file.path)) }
    let removedFolders = try removeFolders(folders, holding: files)
    if let whole = removedFolders.first(where: { $0.path == Self.name(of: root) }) {
      report.removedFiles += files.count
      report.removedBytes += whole.bytes
      report.record(whole)
    } else {
      for file in files { report.record(file) }
      for folder in removedFolders { report.record(folder) }
    }
  }

  /// Removes each of `folders` that is empty, deepest first.
  /// - Returns: the folders removed, each with the size of the files of `removedFiles` inside it.
  private func removeFolders(
    _ folders: Set<StoragePath>, holding removedFiles: [StorageEntry]
  ) throws -> [CleanupReport.RemovedFolder] {
    let deepestFirst = folders.sorted {
      $0.components.count != $1.components.count
        ? $0.components.count > $1.components.count : $0 < $1
    }
    var removed: [CleanupReport.RemovedFolder] = []
    for folder in deepestFirst {
      guard try storage.removeFolderIfEmpty(folder) else { continue }
      let bytes = removedFiles.reduce(0) { $0 + ($1.path.hasPrefix(folder) ? $1.size : 0) }
      removed.append(CleanupReport.RemovedFolder(path: Self.name(of: folder), bytes: bytes))
    }
    return removed
  }

  /// The folders that hold `path` and may be removed: from its parent up to the second level
  /// (`data/a/`, `_indices/<uuid>/`; never the table's own folders).
  private static func folders(holding path: StoragePath) -> [StoragePath] {
    var folders: [StoragePath] = []
    var folder = path.parent
    while folder.components.count >= 2 {
      folders.append(folder)
      folder = folder.parent
    }
    return folders
  }

  /// A folder's name in the report: its path and a `/`.
  private static func name(of folder: StoragePath) -> String { "\(folder)/" }
}

extension CleanupReport {
  /// Records a file removed on its own.
  fileprivate mutating func record(_ file: StorageEntry) {
    removedFiles += 1
    removedBytes += file.size
    removedPaths.append(file.path.description)
  }

  /// Records a removed folder.
  fileprivate mutating func record(_ folder: RemovedFolder) {
    removedFolders.append(folder)
    removedPaths.append(folder.path)
  }
}
