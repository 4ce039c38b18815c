/// Feature bits of `Manifest.readerFeatures` / `writerFeatures`.
public enum TableFeatures {
  /// Some fragment has a deletion file.
  public static let deletionFiles: UInt64 = 1 << 0
  /// Some fragment lacks a column of the schema (added later), which reads as nulls.
  public static let missingColumnsReadAsNull: UInt64 = 1 << 1
  /// Every feature this build understands.
  public static let known: UInt64 = deletionFiles | missingColumnsReadAsNull
}
