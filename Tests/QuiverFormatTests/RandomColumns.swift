import QuiverFormat
import QuiverTestSupport

/// Null patterns the round-trip tests cover.
enum NullPattern: CaseIterable, Sendable {
  case none, all, random, alternating, firstOnly
  func isNull(_ row: Int, _ random: inout SeededGenerator) -> Bool {
    switch self {
    case .none: false
    case .all: true
    case .random: UInt8.random(in: 0...3, using: &random) == 0
    case .alternating: row % 2 == 1
    case .firstOnly: row == 0
    }
  }
}

/// Every data type the format supports.
let allDataTypes: [DataType] = [
  .bool, .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64, .float16, .float32,
  .float64, .utf8, .binary, .timestamp, .date, .fixedSizeList(.float32, dimension: 7),
  .fixedSizeList(.float16, dimension: 3), .fixedSizeList(.uint8, dimension: 16),
]

/// A random column; `cardinality` limits distinct values (to exercise dictionaries) when set.
func randomColumn(
  _ type: DataType, count: Int, nulls: NullPattern, cardinality: Int? = nil,
  using random: inout SeededGenerator
) throws -> Column {
  var isNull: [Bool] = []
  for row in 0..<count { isNull.append(nulls.isNull(row, &random)) }
  func pick<T>(_ make: (inout SeededGenerator) -> T) -> [T?] {
    let pool: [T]? = cardinality.map { limit in (0..<limit).map { _ in make(&random) } }
    return (0..<count).map { row in
      if isNull[row] { return nil }
      if let pool { return pool[Int.random(in: 0..<pool.count, using: &random)] }
      return make(&random)
    }
  }
  func integers<T: FixedWidthInteger>(_: T.Type) -> [T?] {
    // Mix of narrow ranges (frame of reference wins) and full-range values.
    let narrow = Bool.random(using: &random)
    let base = T.random(in: T.min...T.max, using: &random) / 2
    return pick { generator in
      narrow ? base &+ T(truncatingIfNeeded: Int.random(in: 0..<1000, using: &generator)) : T.random(in: T.min...T.max, using: &generator)
    }
  }
  switch type {
  case .bool: return Column(pick { Bool.random(using: &$0) })
  case .int8: return Column(integers(Int8.self))
  case .int16: return Column(integers(Int16.self))
  case .int32: return Column(integers(Int32.self))
  case .int64: return Column(integers(Int64.self))
  case .uint8: return Column(integers(UInt8.self))
  case .uint16: return Column(integers(UInt16.self))
  case .uint32: return Column(integers(UInt32.self))
  case .uint64: return Column(integers(UInt64.self))
  case .float16: return Column(float16Bits: pick { UInt16.random(in: 0...UInt16.max, using: &$0) })
  case .float32: return Column(pick { Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &$0)) })
  case .float64: return Column(pick { Double.random(in: -1e9...1e9, using: &$0) })
  case .utf8:
    return Column(pick { generator in
      String((0..<Int.random(in: 0..<40, using: &generator)).map { _ in "aébc日d🙂xyz".randomElement(using: &generator)! })
    })
  case .binary: return Column(binary: pick { $0.bytes(Int.random(in: 0..<30, using: &$0)) })
  case .timestamp: return Column(timestampMicroseconds: integers(Int64.self))
  case .date: return Column(daysSinceEpoch: integers(Int32.self))
  case .fixedSizeList(.float32, let dimension):
    return try Column(vectors: pick { $0.floats(dimension) }, dimension: dimension)
  case .fixedSizeList(.float16, let dimension):
    return try Column(float16Vectors: pick { generator in (0..<dimension).map { _ in UInt16.random(in: 0...UInt16.max, using: &generator) } }, dimension: dimension)
  case .fixedSizeList(.uint8, let dimension):
    return try Column(byteVectors: pick { $0.bytes(dimension) }, dimension: dimension)
  }
}
