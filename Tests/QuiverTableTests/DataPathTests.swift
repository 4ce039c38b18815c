import Foundation
import QuiverFormat
import QuiverKernels
import QuiverStorage
import QuiverTestSupport
import Testing

@testable import QuiverTable

@Test func appendSplitsIntoFragmentsAndScansWithRowIDs() throws {
  try withTemporaryTable { url in
    var dataset = try Dataset.create(
      at: url, schema: try smallSchema(), options: DatasetOptions(maxRowsPerFragment: 4))
    let ids = try dataset.append([smallBatch(0..<3), smallBatch(3..<10)])
    #expect(ids == [0, 1, 2] && dataset.version == 2)
    #expect(dataset.fragments.map(\.physicalRowCount) == [4, 4, 2])
    #expect(try liveIDs(dataset) == (0..<10).map(Int64.init))
    var seen: [UInt64] = []
    try dataset.scan(columns: ["vector", "id"], batchSize: 3) { part in
      #expect(part.batch.schema.names == ["vector", "id"])
      #expect(part.rowIDs.allSatisfy { RowID.fragmentID($0) == part.fragmentID })
      seen += part.rowIDs
    }
    #expect(seen == [0, 1, 2, 3].map { $0 } + [4, 5, 6, 7].enumerated().map { RowID.make(fragmentID: 1, offset: UInt32($0.offset)) } + [RowID.make(fragmentID: 2, offset: 0), RowID.make(fragmentID: 2, offset: 1)])
    // Empty append commits nothing.
    #expect(try dataset.append([smallBatch(0..<0)]).isEmpty && dataset.version == 2)
  }
}

@Test func takeReturnsRowsInRequestedOrderAndRefusesDeletedOnes() throws {
  try withTemporaryTable { url in
    var dataset = try Dataset.create(
      at: url, schema: try smallSchema(), batches: [smallBatch(0..<10)],
      options: DatasetOptions(maxRowsPerFragment: 4))
    let wanted: [UInt64] = [RowID.make(fragmentID: 2, offset: 1), 0, RowID.make(fragmentID: 1, offset: 2), 0]
    let rows = try dataset.take(rowIDs: wanted)
    #expect(rows.columns[0].values(as: Int64.self) == [9, 0, 6, 0])
    #expect(rows.columns[1].vector(at: 2) == [6, 6.25, 6.5, 6.75])
    try dataset.delete(rowIDs: [RowID.make(fragmentID: 1, offset: 2), 1])
    #expect(try liveIDs(dataset) == [0, 2, 3, 4, 5, 7, 8, 9])
    #expect { try dataset.take(rowIDs: [1]) } throws: { ($0 as? TableError)?.code == .notFound }
    #expect(try dataset.take(rowIDs: [1], includeDeleted: true).columns[0].values(as: Int64.self) == [1])
    #expect { try dataset.take(rowIDs: [RowID.make(fragmentID: 7, offset: 0)]) } throws: { ($0 as? TableError)?.code == .notFound }
    #expect { try dataset.take(rowIDs: [0], columns: ["nope"]) } throws: { ($0 as? TableError)?.code == .notFound }
    // Time travel reads the rows as they were.
    #expect(try liveIDs(dataset.checkout(version: 1)) == (0..<10).map(Int64.init))
  }
}

@Test func batchesAreMatchedByNameAndMissingNullableColumnsAreNull() throws {
  try withTemporaryTable { url in
    var dataset = try Dataset.create(at: url, schema: try smallSchema(), batches: [smallBatch(0..<2)])
    try dataset.addColumn(Field("label", .utf8))
    // Old fragments read the new column as nulls.
    let before = try dataset.readAll(columns: ["label", "id"])
    #expect(before.batch.columns[0].strings == [nil, nil])
    // A batch with columns in another order and the new column.
    let batch = try RecordBatch(columns: ["label": ["x"], "vector": [[Float(1), 2, 3, 4]], "id": [Int64(5)]])
    let reordered = try RecordBatch(schema: Schema([Field("label", .utf8), Field("vector", .fixedSizeList(.float32, dimension: 4)), Field("id", .int64, nullable: false)]), columns: batch.columns)
    try dataset.append([reordered])
    #expect(try dataset.readAll(columns: ["label"]).batch.columns[0].strings == [nil, nil, "x"])
    // A batch without the non-nullable column, or with an unknown one, or a wrong type.
    #expect { try dataset.append([RecordBatch(columns: ["label": ["y"]])]) } throws: { ($0 as? TableError)?.code == .schemaMismatch }
    #expect { try dataset.append([RecordBatch(columns: ["id": [Int64(1)], "other": [1]])]) } throws: { ($0 as? TableError)?.code == .schemaMismatch }
    #expect { try dataset.append([RecordBatch(columns: ["id": [Int32(1)]])]) } throws: { ($0 as? TableError)?.code == .schemaMismatch }
    #expect(dataset.version == 3)
  }
}

@Test func overwriteReplacesDataAndKeepsHistory() throws {
  try withTemporaryTable { url in
    _ = try Dataset.create(at: url, schema: try smallSchema(), batches: [smallBatch(0..<5)])
    let replaced = try Dataset.create(at: url, schema: try smallSchema(), batches: [smallBatch(100..<102)], mode: .overwrite)
    #expect(replaced.version == 2 && replaced.fragmentIDs == [1])
    #expect(try liveIDs(replaced) == [100, 101])
    #expect(try liveIDs(replaced.checkout(version: 1)) == [0, 1, 2, 3, 4])
  }
}

@Test func damagedDataFileIsTypedAndEarlierVersionsStillRead() throws {
  try withTemporaryTable { url in
    var dataset = try Dataset.create(at: url, schema: try smallSchema(), batches: [smallBatch(0..<50)])
    try dataset.append([smallBatch(50..<100)])
    let path = dataset.layout.url(relative: dataset.fragments[1].dataFiles[0].path)
    let original = try Data(contentsOf: path)
    let page = try DataFileReader(url: path).pages(of: "id")[0]
    // Truncated.
    try original.prefix(original.count - 9).write(to: path)
    #expect { try liveIDs(Dataset.open(at: url)) } throws: { ($0 as? TableError)?.code == .corruptDataFile }
    #expect(try liveIDs(Dataset.open(at: url, version: 1)) == (0..<50).map(Int64.init))
    // Same length, a flipped byte inside the first page of `id`.
    var flipped = original
    flipped[page.offset + page.storedLength / 2] ^= 0x5A
    try flipped.write(to: path)
    #expect { try liveIDs(Dataset.open(at: url)) } throws: { ($0 as? TableError)?.code == .corruptDataFile }
    #expect(try liveIDs(Dataset.open(at: url, version: 1)).count == 50)
    // Missing.
    try FileManager.default.removeItem(at: path)
    #expect { try liveIDs(Dataset.open(at: url)) } throws: { ($0 as? TableError)?.code == .corruptDataFile }
  }
}

@Test(arguments: [1, 7, 64, 1000])
func scanAcrossSmallPagesAndBatchesMatchesTheRowsWritten(batchSize: Int) throws {
  try withTemporaryTable { url in
    var random = SeededGenerator(seed: UInt64(batchSize))
    let options = DatasetOptions(maxRowsPerFragment: 400, dataFileOptions: DataFileWriterOptions(pageSize: 256))
    var dataset = try Dataset.create(at: url, schema: try smallSchema(), batches: [smallBatch(0..<1000)], options: options)
    let doomed = Set((0..<60).map { _ in Int.random(in: 0..<1000, using: &random) })
    let rowIDs = doomed.map { RowID.make(fragmentID: UInt32($0 / 400), offset: UInt32($0 % 400)) }
    try dataset.delete(rowIDs: rowIDs)
    var ids: [Int64] = []
    var vectorsMatch = true
    try dataset.scan(columns: ["vector", "id"], batchSize: batchSize) { part in
      #expect(part.batch.rowCount <= batchSize)
      let partIDs = part.batch.columns[1].values(as: Int64.self)
      for (row, id) in partIDs.enumerated() {
        vectorsMatch = vectorsMatch && part.batch.columns[0].vector(at: row) == (0..<4).map { Float(id) + Float($0) * 0.25 }
        vectorsMatch = vectorsMatch && part.rowIDs[row] == RowID.make(fragmentID: UInt32(id / 400), offset: UInt32(id % 400))
      }
      ids += partIDs
    }
    #expect(vectorsMatch)
    #expect(ids == (0..<1000).filter { !doomed.contains($0) }.map(Int64.init))
  }
}

@Test func damagedDeletionFileIsTypedAndEarlierVersionsStillRead() throws {
  try withTemporaryTable { url in
    var dataset = try Dataset.create(at: url, schema: try smallSchema(), batches: [smallBatch(0..<20)])
    try dataset.delete(rowIDs: [3, 4])
    let path = dataset.layout.url(relative: try #require(dataset.fragments[0].deletionFile).path)
    var bytes = try Data(contentsOf: path)
    bytes[bytes.count - 10] ^= 0x01
    try bytes.write(to: path)
    #expect { try liveIDs(Dataset.open(at: url)) } throws: { ($0 as? TableError)?.code == .corruptDeletionFile }
    #expect { try Dataset.open(at: url).take(rowIDs: [0]) } throws: { ($0 as? TableError)?.code == .corruptDeletionFile }
    #expect(try liveIDs(Dataset.open(at: url, version: 1)).count == 20)
    try FileManager.default.removeItem(at: path)
    #expect { try liveIDs(Dataset.open(at: url)) } throws: { ($0 as? TableError)?.code == .corruptDeletionFile }
  }
}
