/// The encoding of a row id, the stable name of a row shared by tables, indexes and queries:
/// the fragment id in the high 32 bits, the row's offset within its fragment in the low 32 bits
/// (Docs/Format.md, "Tables"). Row ids travel as `UInt64`; these functions are the only place
/// the bits are put together or taken apart.
public enum RowID {
  /// The row id of `offset` in fragment `fragmentID`.
  @inlinable public static func make(fragmentID: UInt32, offset: UInt32) -> UInt64 {
    UInt64(fragmentID) << 32 | UInt64(offset)
  }

  /// The fragment id of a row id.
  @inlinable public static func fragmentID(_ rowID: UInt64) -> UInt32 {
    UInt32(truncatingIfNeeded: rowID >> 32)
  }

  /// The row offset within its fragment.
  @inlinable public static func offset(_ rowID: UInt64) -> UInt32 {
    UInt32(truncatingIfNeeded: rowID)
  }
}
