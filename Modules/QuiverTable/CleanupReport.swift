/// What `Dataset.cleanup` removed.
public struct CleanupReport: Sendable, Hashable {
  /// A folder that cleanup removed: one a killed or failed write left empty, one whose files it
  /// removed, or the folder of an index no version names.
  public struct RemovedFolder: Sendable, Hashable {
    /// Its path relative to the table folder, ending in `/` (`_indices/<uuid>/`).
    public var path: String
    /// The total size of the files removed from inside it, at any depth (0 when it was empty).
    public var bytes: Int
  }

  /// The versions whose manifests were removed, ascending.
  public var removedVersions: [UInt64] = []
  /// How many data, deletion, index and temporary files were removed (the files of a removed
  /// index folder included).
  public var removedFiles: Int = 0
  /// Their total size in bytes.
  public var removedBytes: Int = 0
  /// The folders removed, each after the folders inside it.
  public var removedFolders: [RemovedFolder] = []
  /// The removed files and folders (ending in `/`), relative to the table folder, in the order
  /// they were removed; the files of a removed index folder are named by the folder alone.
  public var removedPaths: [String] = []
}
