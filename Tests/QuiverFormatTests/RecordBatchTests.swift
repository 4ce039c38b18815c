import QuiverFormat
import Testing

@Test func batchFromLiteralKeepsOrderAndTypes() throws {
  let vectors: [[Float]] = [[1, 2], [3, 4], [5, 6]]
  let batch = try RecordBatch(columns: [
    "id": [1, 2, 3], "name": ["a", nil, "c"], "vector": vectors, "score": [0.5, 1.5, 2.5],
  ])
  #expect(batch.schema.names == ["id", "name", "vector", "score"])
  #expect(batch.schema.fields.map(\.type) == [.int64, .utf8, .fixedSizeList(.float32, dimension: 2), .float64])
  #expect(batch.rowCount == 3)
  #expect(batch["id"]!.values(as: Int64.self) == [1, 2, 3])
  #expect(batch["name"]!.strings == ["a", nil, "c"])
  #expect(batch["vector"]!.vector(at: 2) == [5, 6])
  #expect(batch["score"]![1] == .float(1.5))
  #expect(batch["name"]!.nullCount == 1)
}

@Test func batchValidationNamesTheColumn() throws {
  #expect(throws: FormatError.self) { try RecordBatch(columns: ["id": [1, 2], "v": [[Float(1)], [2, 3]]]) }
  do {
    _ = try RecordBatch(columns: ["id": [1, 2], "v": [[Float(1)], [2, 3]]])
  } catch let error as FormatError {
    #expect(error.code == .invalidColumn)
    #expect(error.message.contains("'v'"))
    #expect(error.message.contains("row 1"))
  }
  do {
    _ = try RecordBatch(columns: ["id": [1, 2], "name": ["a"]])
    Issue.record("length mismatch not detected")
  } catch let error as FormatError {
    #expect(error.code == .invalidColumn)
    #expect(error.message.contains("'name'"))
  }
  do {
    _ = try RecordBatch([("id", [1]), ("id", [2])])
    Issue.record("duplicate not detected")
  } catch let error as FormatError {
    #expect(error.code == .duplicateColumn)
    #expect(error.message.contains("'id'"))
  }
  let schema = try Schema([Field("x", .int32, nullable: false)])
  #expect(throws: FormatError(.invalidColumn, "column 'x' is not nullable but has 1 nulls")) {
    try RecordBatch(schema: schema, columns: [Column([Int32(1), nil])])
  }
}

@Test func sliceTakeConcatenateSelect() throws {
  let batch = try RecordBatch(columns: [
    "id": [10, 11, 12, 13, 14], "name": ["a", "bb", nil, "dddd", ""],
    "flag": [true, false, nil, true, false] as [Bool?],
  ])
  let slice = batch.slice(rows: 1..<4)
  #expect(slice.rowCount == 3)
  #expect(slice["name"]!.strings == ["bb", nil, "dddd"])
  #expect(slice["flag"]![1] == .null)
  let taken = try batch.take(rows: [4, 0, 2, 2])
  #expect(taken["id"]!.values(as: Int.self) == [14, 10, 12, 12])
  #expect(taken["name"]!.strings == ["", "a", nil, nil])
  #expect(throws: FormatError.self) { try batch.take(rows: [5]) }
  let joined = try RecordBatch.concatenate([batch.slice(rows: 0..<2), batch.slice(rows: 2..<5)])
  #expect(joined == batch)
  let selected = try batch.selecting(columns: ["name", "id"])
  #expect(selected.schema.names == ["name", "id"])
  #expect(throws: FormatError.self) { try batch.selecting(columns: ["nope"]) }
  let other = try RecordBatch(columns: ["id": [Int32(1)]])
  #expect(throws: FormatError.self) { try RecordBatch.concatenate([batch, other]) }
}

@Test func halfPrecisionRoundTrips() {
  for bits in UInt16.min...UInt16.max {
    let value = HalfPrecisionProbe.float(bits)
    if value.isNaN { continue }
    #expect(HalfPrecisionProbe.bits(value) == bits)
  }
}

enum HalfPrecisionProbe {
  static func float(_ bits: UInt16) -> Float { HalfPrecision.float(fromBits: bits) }
  static func bits(_ value: Float) -> UInt16 { HalfPrecision.bits(from: value) }
}
