/// A data file of a fragment.
public struct DataFileRecord: Sendable, Hashable, Codable {
  /// The path relative to the table folder (`data/<uuid>.qvf`).
  public var path: String
  /// The columns the file holds, by name.
  public var columns: [String]
  /// The file size in bytes (checked when the file is opened).
  public var sizeBytes: Int

  /// Creates a data-file record.
  public init(path: String, columns: [String], sizeBytes: Int) {
    self.path = path
    self.columns = columns
    self.sizeBytes = sizeBytes
  }
}
