import QuiverKernels
import QuiverStorage

/// The row-checksum table of a plain, uncompressed fixed-width page (Docs/Format.md "Row
/// checksums"): the page's rows cut into groups of `rowsPerGroup` rows, one CRC32C per group,
/// stored after the body so `take` can verify the few rows it reads without reading the page.
public struct RowChecksumLayout: Sendable, Hashable {
  /// Rows per group (the last group of a page may hold fewer).
  public var rowsPerGroup: Int
  /// CRC32C of the table's stored bytes (`u32 × group count`).
  public var tableChecksum: UInt32

  /// Creates a layout.
  public init(rowsPerGroup: Int, tableChecksum: UInt32) {
    self.rowsPerGroup = rowsPerGroup
    self.tableChecksum = tableChecksum
  }

  /// The writer's rule: groups of about 4 KiB of values, `max(1, 4096 / rowBytes)` rows.
  public static func rowsPerGroup(rowBytes: Int) -> Int { max(1, 4096 / max(rowBytes, 1)) }

  /// Whether pages of `type` with this encoding and compression carry a table: plain,
  /// uncompressed, fixed width (not bool).
  static func applies(to type: DataType, encoding: PageEncoding, compression: PageCompression) -> Bool {
    encoding == .plain && compression == .none && type.byteWidth != nil && type != .bool
  }

  /// Groups in a page of `rows` rows.
  func groupCount(rows: Int) -> Int { (rows + rowsPerGroup - 1) / rowsPerGroup }

  /// Bytes of the table of a page of `rows` rows.
  func tableLength(rows: Int) -> Int { 4 * groupCount(rows: rows) }

  /// The rows of group `group` in a page of `rows` rows.
  func rows(ofGroup group: Int, pageRows rows: Int) -> Range<Int> {
    (group * rowsPerGroup)..<min(rows, (group + 1) * rowsPerGroup)
  }

  /// The validity bytes holding the bits of `rows` (byte indices within the validity section).
  static func validityBytes(of rows: Range<Int>) -> Range<Int> {
    (rows.lowerBound / 8)..<((rows.upperBound - 1) / 8 + 1)
  }

  /// The checksum of one group: CRC32C of the validity bytes holding the group's bits (only when
  /// the page has nulls; empty otherwise) followed by the group's value bytes.
  static func groupChecksum(validity: UnsafeRawBufferPointer, values: UnsafeRawBufferPointer) -> UInt32 {
    CRC32C.checksum(values, continuing: CRC32C.checksum(validity))
  }

  /// The table of a page body (validity section of `validityLength` bytes, then `rows` values of
  /// `width` bytes), as stored: little-endian `u32` per group.
  static func table(
    body: UnsafeRawBufferPointer, rows: Int, width: Int, validityLength: Int, rowsPerGroup: Int
  ) -> [UInt8] {
    let layout = RowChecksumLayout(rowsPerGroup: rowsPerGroup, tableChecksum: 0)
    var table = ByteWriter(capacity: layout.tableLength(rows: rows))
    for group in 0..<layout.groupCount(rows: rows) {
      let groupRows = layout.rows(ofGroup: group, pageRows: rows)
      let validity =
        validityLength == 0
        ? UnsafeRawBufferPointer(start: nil, count: 0)
        : UnsafeRawBufferPointer(rebasing: body[validityBytes(of: groupRows)])
      let values = UnsafeRawBufferPointer(
        rebasing: body[(validityLength + groupRows.lowerBound * width)..<(validityLength + groupRows.upperBound * width)])
      table.write(groupChecksum(validity: validity, values: values))
    }
    return table.bytes
  }
}
