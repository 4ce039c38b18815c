/// One column of values: typed storage plus an optional validity bitmap.
///
/// Fixed-width values (every type but `utf8` and `binary`) are stored contiguously, `byteWidth`
/// bytes per row, little-endian; vectors (fixed-size lists) are `dimension` contiguous elements
/// per row. Variable-length values are one byte buffer plus `count + 1` offsets into it.
/// Storage is shared copy-on-write, so `slice(_:)` is O(1).
///
/// Build columns with the typed initializers (`Column([1, 2, 3])`, `Column(["a", nil])`,
/// `try Column(vectors: [[0.1, 0.2]])`, …); read them through the typed accessors in
/// `Column+Accessors.swift`.
public struct Column: Sendable {
  /// The type of the values.
  public let dataType: DataType
  /// The number of rows.
  public let count: Int
  /// Fixed-width: the value bytes of every stored row; variable-length: the concatenated values.
  @usableFromInline let values: [UInt8]
  /// Variable-length only: `storedRows + 1` offsets into `values`; empty otherwise.
  @usableFromInline let offsets: [Int64]
  /// Valid rows of the storage (nil when every row is valid).
  @usableFromInline let validity: ValidityBitmap?
  /// The first stored row this column shows (slices share storage).
  @usableFromInline let start: Int

  /// Creates a column over raw storage; the caller guarantees the layout.
  /// - Precondition: `values` holds `count * byteWidth` bytes (fixed-width) or `offsets` holds
  ///   `count + 1` non-decreasing offsets ending at most at `values.count` (variable-length);
  ///   `validity`, when given, covers `count` rows.
  package init(
    dataType: DataType, count: Int, values: [UInt8], offsets: [Int64] = [],
    validity: ValidityBitmap?
  ) {
    if let width = dataType.byteWidth {
      precondition(values.count == count * width, "Column: \(values.count) bytes for \(count) rows of \(dataType)")
    } else {
      precondition(offsets.count == count + 1, "Column: \(offsets.count) offsets for \(count) rows")
    }
    if let validity { precondition(validity.count == count, "Column: validity covers \(validity.count) of \(count) rows") }
    self.dataType = dataType
    self.count = count
    self.values = values
    self.offsets = offsets
    self.validity = validity.flatMap { $0.nullCount == 0 ? nil : $0 }
    self.start = 0
  }

  @usableFromInline init(
    dataType: DataType, count: Int, values: [UInt8], offsets: [Int64], validity: ValidityBitmap?,
    start: Int
  ) {
    self.dataType = dataType
    self.count = count
    self.values = values
    self.offsets = offsets
    self.validity = validity
    self.start = start
  }

  /// A column of `count` nulls of type `dataType`.
  public init(nulls count: Int, of dataType: DataType) {
    if let width = dataType.byteWidth {
      self.init(
        dataType: dataType, count: count, values: [UInt8](repeating: 0, count: count * width),
        validity: ValidityBitmap(count: count, allValid: false))
    } else {
      self.init(
        dataType: dataType, count: count, values: [],
        offsets: [Int64](repeating: 0, count: count + 1),
        validity: ValidityBitmap(count: count, allValid: false))
    }
  }

  /// An empty column of `dataType`.
  public static func empty(_ dataType: DataType) -> Column { Column(nulls: 0, of: dataType) }
}

// MARK: - Construction from Swift arrays

extension Column {
  /// A column of fixed-width values with no nulls (`Int` becomes `int64`).
  public init<Element: FixedWidthColumnElement>(_ values: [Element]) {
    let width = Element.columnDataType.byteWidth!
    precondition(MemoryLayout<Element>.stride == width)
    let bytes = values.withUnsafeBytes { [UInt8]($0) }
    self.init(dataType: Element.columnDataType, count: values.count, values: bytes, validity: nil)
  }

  /// A column of fixed-width values where `nil` is null.
  public init<Element: FixedWidthColumnElement>(_ values: [Element?]) {
    self.init(values, as: Element.columnDataType)
  }

  /// Fixed-width values stored under a type of the same width (`timestamp`, `date`, `float16`).
  init<Element: FixedWidthColumnElement>(_ values: [Element?], as dataType: DataType) {
    let width = MemoryLayout<Element>.stride
    precondition(dataType.byteWidth == width)
    var bytes = [UInt8](repeating: 0, count: values.count * width)
    var validity = ValidityBitmap(count: values.count)
    bytes.withUnsafeMutableBytes { raw in
      for (row, value) in values.enumerated() {
        if let value {
          raw.storeBytes(of: value, toByteOffset: row * width, as: Element.self)
        } else {
          validity[row] = false
        }
      }
    }
    self.init(dataType: dataType, count: values.count, values: bytes, validity: validity)
  }

  /// A `timestamp` column from microseconds since the Unix epoch (UTC); `nil` is null.
  public init(timestampMicroseconds values: [Int64?]) { self.init(values, as: .timestamp) }

  /// A `date` column from days since the Unix epoch; `nil` is null.
  public init(daysSinceEpoch values: [Int32?]) { self.init(values, as: .date) }

  /// A `float16` column from half-precision bit patterns; `nil` is null.
  public init(float16Bits values: [UInt16?]) { self.init(values, as: .float16) }

  /// A `utf8` column; `nil` is null.
  public init(_ strings: [String?]) {
    var bytes: [UInt8] = []
    var offsets: [Int64] = [0]
    offsets.reserveCapacity(strings.count + 1)
    var validity = ValidityBitmap(count: strings.count)
    for (row, string) in strings.enumerated() {
      if let string { bytes.append(contentsOf: string.utf8) } else { validity[row] = false }
      offsets.append(Int64(bytes.count))
    }
    self.init(dataType: .utf8, count: strings.count, values: bytes, offsets: offsets, validity: validity)
  }

  /// A `utf8` column with no nulls.
  public init(_ strings: [String]) { self.init(strings.map { Optional($0) }) }

  /// A `binary` column; `nil` is null.
  public init(binary values: [[UInt8]?]) {
    var bytes: [UInt8] = []
    var offsets: [Int64] = [0]
    var validity = ValidityBitmap(count: values.count)
    for (row, value) in values.enumerated() {
      if let value { bytes.append(contentsOf: value) } else { validity[row] = false }
      offsets.append(Int64(bytes.count))
    }
    self.init(dataType: .binary, count: values.count, values: bytes, offsets: offsets, validity: validity)
  }

  /// A float32 vector column from one array per row; `nil` is a null row.
  /// - Parameters:
  ///   - dimension: The dimension; taken from the first non-null row when nil.
  ///   - vectors: One array per row, each `dimension` floats long; `nil` for a null row.
  /// - Throws: `FormatError.invalidColumn` naming the first row whose length differs.
  public init(vectors: [[Float]?], dimension: Int? = nil) throws {
    try self.init(rows: vectors, element: .float32, dimension: dimension)
  }

  /// A uint8 vector column from one array per row; `nil` is a null row.
  /// - Throws: `FormatError.invalidColumn` naming the first row whose length differs.
  public init(byteVectors: [[UInt8]?], dimension: Int? = nil) throws {
    try self.init(rows: byteVectors, element: .uint8, dimension: dimension)
  }

  /// A float16 vector column from one array of bit patterns per row; `nil` is a null row.
  /// - Throws: `FormatError.invalidColumn` naming the first row whose length differs.
  public init(float16Vectors: [[UInt16]?], dimension: Int? = nil) throws {
    try self.init(rows: float16Vectors, element: .float16, dimension: dimension)
  }

  private init<Element: BitwiseCopyable>(
    rows: [[Element]?], element: VectorElementType, dimension: Int?
  ) throws {
    guard let dimension = dimension ?? rows.first(where: { $0 != nil })??.count else {
      throw FormatError(.invalidColumn, "cannot infer the vector dimension: every row is null")
    }
    guard dimension >= 1 else {
      throw FormatError(.invalidColumn, "vector dimension \(dimension) is below 1")
    }
    let rowBytes = dimension * element.byteWidth
    var bytes: [UInt8] = []
    bytes.reserveCapacity(rows.count * rowBytes)
    var validity = ValidityBitmap(count: rows.count)
    for (row, vector) in rows.enumerated() {
      if let vector {
        guard vector.count == dimension else {
          throw FormatError(
            .invalidColumn,
            "ragged vectors: row \(row) has \(vector.count) elements, expected \(dimension)")
        }
        vector.withUnsafeBytes { bytes.append(contentsOf: $0) }
      } else {
        validity[row] = false
        bytes.append(contentsOf: repeatElement(0, count: rowBytes))
      }
    }
    self.init(
      dataType: .fixedSizeList(element, dimension: dimension), count: rows.count, values: bytes,
      validity: validity)
  }

  /// A float32 vector column from `count * dimension` contiguous floats (no nulls).
  /// - Throws: `FormatError.invalidColumn` when `flat.count` is not a multiple of `dimension`.
  public init(vectors flat: [Float], dimension: Int) throws {
    try self.init(flat: flat, element: .float32, dimension: dimension)
  }

  /// A float16 vector column from `count * dimension` contiguous bit patterns (no nulls).
  public init(float16Vectors flat: [UInt16], dimension: Int) throws {
    try self.init(flat: flat, element: .float16, dimension: dimension)
  }

  /// A uint8 vector column from `count * dimension` contiguous bytes (no nulls).
  public init(byteVectors flat: [UInt8], dimension: Int) throws {
    try self.init(flat: flat, element: .uint8, dimension: dimension)
  }

  private init<Element: BitwiseCopyable>(
    flat: [Element], element: VectorElementType, dimension: Int
  ) throws {
    guard dimension >= 1, flat.count % dimension == 0 else {
      throw FormatError(
        .invalidColumn,
        "\(flat.count) vector elements do not divide into rows of dimension \(dimension)")
    }
    let bytes = flat.withUnsafeBytes { [UInt8]($0) }
    self.init(
      dataType: .fixedSizeList(element, dimension: dimension), count: flat.count / dimension,
      values: bytes, validity: nil)
  }
}
