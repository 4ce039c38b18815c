/// The type codes of Thrift's compact protocol, as they appear in field and list headers.
enum ThriftType: UInt8, Sendable {
  case stop = 0, booleanTrue = 1, booleanFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6
  case double = 7, binary = 8, list = 9, set = 10, map = 11, structure = 12
}
