/// Constants of the data-file layout (Docs/Format.md "Data files").
package enum DataFileLayout {
  /// `QUIVERDF`, at the start and at the end of every data file.
  package static let magic: [UInt8] = Array("QUIVERDF".utf8)
  /// The format version this code writes; it reads this and every earlier one.
  package static let formatVersion: UInt32 = 1
  /// Bytes of the header: magic, version, flags.
  package static let headerLength = 16
  /// Bytes of the trailer.
  package static let trailerLength = 40
  /// Pages start at multiples of this.
  package static let pageAlignment = 64
  /// Statistics of utf8 / binary pages are kept only when min and max are at most this long.
  package static let maximumStatisticsLength = 256
  /// Dictionary encoding is tried only for pages with at most this many distinct values.
  package static let maximumDictionaryCount = 65_536
  /// Compressed pages are kept only when they are at most this fraction of the body.
  package static let compressionKeepRatio = 0.97
}

/// How a page's values are laid out (Docs/Format.md "Page body").
public enum PageEncoding: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  /// Values as they are in memory (bools as bits; strings as offsets + bytes).
  case plain = 0
  /// Distinct values once, then bit-packed indices.
  case dictionary = 1
  /// Integers as bit-packed differences from the page minimum.
  case frameOfReference = 2

  /// A short readable form, for messages and logs.
  public var description: String {
    switch self {
    case .plain: "plain"
    case .dictionary: "dictionary"
    case .frameOfReference: "frame-of-reference"
    }
  }
}

/// How a page's body is compressed on disk.
public enum PageCompression: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  /// Stored as is.
  case none = 0
  /// One zstd frame.
  case zstd = 1

  /// A short readable form, for messages and logs.
  public var description: String {
    switch self {
    case .none: "none"
    case .zstd: "zstd"
    }
  }
}

/// Minimum and maximum of a page's non-null values.
public struct PageStatistics: Sendable, Hashable {
  /// The smallest non-null value.
  public var minimum: ColumnValue
  /// The largest non-null value.
  public var maximum: ColumnValue

  /// Creates statistics.
  public init(minimum: ColumnValue, maximum: ColumnValue) {
    self.minimum = minimum
    self.maximum = maximum
  }
}

/// Where one page of a column lives and what it holds (a page descriptor of the footer).
public struct PageMetadata: Sendable, Hashable {
  /// Byte offset of the page in the file.
  public var offset: Int
  /// Bytes on disk.
  public var storedLength: Int
  /// Bytes of the body after decompression.
  public var bodyLength: Int
  /// The first row of the page within the file.
  public var firstRow: Int
  /// The number of rows.
  public var rowCount: Int
  /// The number of null rows.
  public var nullCount: Int
  /// How values are laid out.
  public var encoding: PageEncoding
  /// How the body is compressed.
  public var compression: PageCompression
  /// CRC32C of the stored bytes (body, then the row-checksum table when there is one).
  public var checksum: UInt32
  /// The row-checksum table stored after the body: present exactly on plain, uncompressed
  /// fixed-width pages (Docs/Format.md "Row checksums").
  public var rowChecksums: RowChecksumLayout?
  /// Min / max of the non-null values, when the type and values allow.
  public var statistics: PageStatistics?
  /// The statistics as stored: little-endian value bytes (min, max), nil when absent.
  package var statisticsBytes: StatisticsBytes?

  init(
    offset: Int, storedLength: Int, bodyLength: Int, firstRow: Int, rowCount: Int, nullCount: Int,
    encoding: PageEncoding, compression: PageCompression, checksum: UInt32
  ) {
    self.offset = offset
    self.storedLength = storedLength
    self.bodyLength = bodyLength
    self.firstRow = firstRow
    self.rowCount = rowCount
    self.nullCount = nullCount
    self.encoding = encoding
    self.compression = compression
    self.checksum = checksum
  }

  /// Bytes of the row-checksum table after the body (0 without one).
  var rowChecksumTableLength: Int { rowChecksums?.tableLength(rows: rowCount) ?? 0 }

  /// The rows of the page within the file.
  public var rows: Range<Int> { firstRow..<(firstRow + rowCount) }

  /// Bytes of the validity section at the start of the body (0 without nulls).
  var validityLength: Int { nullCount == 0 ? 0 : ValidityLayout.paddedLength(rows: rowCount) }
}

/// Statistics as stored in a page descriptor.
package struct StatisticsBytes: Sendable, Hashable {
  package var minimum: [UInt8]
  package var maximum: [UInt8]
}

/// Sizes of the validity section.
enum ValidityLayout {
  /// The bitmap of `rows` bits padded to a multiple of 64 bytes.
  static func paddedLength(rows: Int) -> Int {
    let raw = (rows + 7) / 8
    return (raw + 63) / 64 * 64
  }
}
