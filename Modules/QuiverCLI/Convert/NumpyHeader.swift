import QuiverExchange

/// The header of a NumPy `.npy` file (format versions 1.0, 2.0 and 3.0): the magic
/// `\x93NUMPY`, a version, the header length, then a Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (1000, 384), }` padded with spaces to a
/// multiple of 64 bytes and ended by a newline.
///
/// Quiver reads and writes two-dimensional C-order arrays of float32, float16, uint8 and int32:
/// one row per vector.
struct NumpyHeader: Sendable, Hashable {
  /// The element type.
  var element: VectorElement
  /// Rows (vectors).
  var rows: Int
  /// Elements per row.
  var dimension: Int

  /// The magic that starts every `.npy` file.
  static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

  /// The dtype descriptor NumPy writes for `element` (little-endian).
  static func descriptor(for element: VectorElement) -> String {
    switch element {
    case .float32: return "<f4"
    case .float16: return "<f2"
    case .uint8: return "|u1"
    case .int32: return "<i4"
    }
  }

  /// The complete header, byte for byte what `numpy.save` writes for this array: format 1.0,
  /// padded (with room for the row count to grow to 21 digits, as NumPy leaves) to a multiple of
  /// 64 bytes. Its length does not depend on `rows`, so a streaming writer can write it first
  /// with a provisional count and patch it at the end.
  func encoded() -> [UInt8] {
    var dictionary =
      "{'descr': '\(Self.descriptor(for: element))', 'fortran_order': False, "
      + "'shape': (\(rows), \(dimension)), }"
    dictionary += String(repeating: " ", count: max(0, 21 - String(rows).count))
    let unpadded = Self.magic.count + 4 + dictionary.utf8.count + 1
    let padding = (64 - unpadded % 64) % 64
    dictionary += String(repeating: " ", count: padding) + "\n"
    let length = UInt16(dictionary.utf8.count)
    return Self.magic + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(dictionary.utf8)
  }

  /// Parses the header at the start of `file`, leaving the file positioned at the first data
  /// byte.
  /// - Throws: `CLIError.badData` naming the file and what is wrong (bad magic, an unsupported
  ///   dtype or byte order, Fortran order, a shape that is not two-dimensional).
  static func read(from file: InputFile) throws -> NumpyHeader {
    func fail(_ problem: String) -> CLIError {
      CLIError.badData(file: file.path, at: "header", problem)
    }
    var prefix: [UInt8] = []
    guard try file.read(8, appendingTo: &prefix) == 8, Array(prefix[0..<6]) == magic else {
      throw fail("not a .npy file (it does not start with \\x93NUMPY)")
    }
    let major = prefix[6]
    var lengthBytes: [UInt8] = []
    let lengthSize = major == 1 ? 2 : 4
    guard major >= 1, major <= 3 else {
      throw fail("unsupported .npy format version \(major).\(prefix[7])")
    }
    guard try file.read(lengthSize, appendingTo: &lengthBytes) == lengthSize else {
      throw fail("truncated before the header length")
    }
    var length = 0
    for (index, byte) in lengthBytes.enumerated() { length |= Int(byte) << (8 * index) }
    guard length <= 1 << 20 else { throw fail("header length \(length) is implausible") }
    var text: [UInt8] = []
    guard try file.read(length, appendingTo: &text) == length else {
      throw fail("truncated inside the \(length)-byte header")
    }
    let dictionary = try PythonLiteral.parseDictionary(String(decoding: text, as: UTF8.self))
      .mapError { fail("the header dict does not parse: \($0)") }
    guard case .string(let descriptor)? = dictionary["descr"] else {
      throw fail("the header has no 'descr' string (structured dtypes are not supported)")
    }
    guard case .bool(let fortranOrder)? = dictionary["fortran_order"] else {
      throw fail("the header has no 'fortran_order'")
    }
    guard case .tuple(let shape)? = dictionary["shape"] else {
      throw fail("the header has no 'shape' tuple")
    }
    guard !fortranOrder else {
      throw fail("the array is in Fortran order; save it in C order (numpy.ascontiguousarray)")
    }
    let element: VectorElement
    switch descriptor {
    case "<f4": element = .float32
    case "<f2": element = .float16
    case "|u1", "<u1", "u1": element = .uint8
    case "<i4": element = .int32
    default:
      let byteOrderHint = descriptor.hasPrefix(">") ? " (big-endian arrays are not supported)" : ""
      throw fail(
        "dtype '\(descriptor)' is not supported\(byteOrderHint); use float32 ('<f4'), "
          + "float16 ('<f2'), uint8 ('|u1') or int32 ('<i4')")
    }
    guard shape.count == 2 else {
      let shown =
        "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
      throw fail("shape \(shown) is not two-dimensional (rows, dimension)")
    }
    guard shape[1] > 0 else { throw fail("the dimension (shape[1]) is 0") }
    guard shape[1] <= VecsFormat.maximumDimension else {
      throw fail(
        "the dimension (shape[1]) \(shape[1]) is above the maximum of \(VecsFormat.maximumDimension)")
    }
    return NumpyHeader(element: element, rows: shape[0], dimension: shape[1])
  }
}

extension Result {
  /// The success value, or the transformed failure thrown.
  fileprivate func mapError(_ transform: (Failure) -> CLIError) throws -> Success {
    switch self {
    case .success(let value): return value
    case .failure(let error): throw transform(error)
    }
  }
}
