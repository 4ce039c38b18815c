import Foundation
import Quiver
import QuiverTestSupport
import Testing

/// The Swift-native surface: rows written from `Encodable` types, any floating-point query,
/// readable descriptions, one spelling of index types and an explicit search metric.
@Suite struct NativeAPITests {
  struct Item: Codable, Equatable {
    var item: String
    var price: Double
    var stock: Int32?
    var note: String?
    var added: Date
    var vector: [Float]
  }

  static let items = [
    Item(
      item: "foo", price: 10, stock: 3, note: nil, added: Date(timeIntervalSince1970: 1_700_000_000.5),
      vector: [3.1, 4.1]),
    Item(
      item: "bar", price: 20, stock: nil, note: "second", added: Date(timeIntervalSince1970: 0),
      vector: [5.9, 26.5]),
  ]

  func withDatabase(_ body: (Database) throws -> Void) throws {
    let folder = try TestPaths.temporaryDirectory("quiver-native")
    defer { try? FileManager.default.removeItem(at: folder) }
    try body(try Database(url: folder))
  }

  @Test func encodableRowsRoundTripThroughAddAndRows() throws {
    try withDatabase { db in
      let table = try db.createTable("items", rows: Self.items)
      let schema = try table.schema()
      #expect(schema.names == ["item", "price", "stock", "note", "added", "vector"])
      #expect(schema.field(named: "stock")?.type == .int32)
      #expect(schema.field(named: "stock")?.nullable == true)
      #expect(schema.field(named: "price")?.nullable == false)
      #expect(schema.field(named: "added")?.type == .timestamp)
      #expect(schema.field(named: "vector")?.type == .fixedSizeList(.float32, dimension: 2))

      try table.add([Item(item: "baz", price: 1, stock: 7, note: "third", added: .init(timeIntervalSince1970: 60), vector: [1, 2])])
      let read = try table.scan().execute().rows(as: Item.self)
      #expect(read == Self.items + [Item(item: "baz", price: 1, stock: 7, note: "third", added: .init(timeIntervalSince1970: 60), vector: [1, 2])])
    }
  }

  /// Every storable property type, each optional, in rows where some values are nil.
  struct Sparse: Codable, Equatable {
    var id: UInt64
    var small: Int8?
    var flag: Bool?
    var half: Float16?
    var blob: Data?
    var seen: Date?
    var rating: Int??
    var embedding: [Float]?
    var codes: [UInt8]?
  }

  @Test func optionalPropertiesOfEveryTypeRoundTripWithTheirNulls() throws {
    let rows = [
      Sparse(
        id: .max, small: -8, flag: true, half: 1.5, blob: Data([0, 255]),
        seen: Date(timeIntervalSince1970: -86_400.25), rating: 4, embedding: [1, -2, 3],
        codes: [7, 8]),
      Sparse(
        id: 0, small: nil, flag: nil, half: nil, blob: nil, seen: nil, rating: nil,
        embedding: nil, codes: nil),
      Sparse(
        id: 2, small: nil, flag: false, half: nil, blob: Data(), seen: Date(timeIntervalSince1970: 0),
        rating: .some(nil), embedding: [0.5, 0.25, 0], codes: nil),
    ]
    try withDatabase { db in
      let table = try db.createTable("sparse", rows: rows)
      let schema = try table.schema()
      #expect(schema.fields.map(\.type) == [
        .uint64, .int8, .bool, .float16, .binary, .timestamp, .int64,
        .fixedSizeList(.float32, dimension: 3), .fixedSizeList(.uint8, dimension: 2),
      ])
      #expect(schema.fields.map(\.nullable) == [false] + Array(repeating: true, count: 8))
      try table.add(rows)
      let read = try table.scan().execute().rows(as: Sparse.self)
      // A present `nil` of `Int??` is stored as a null, which decodes as the outer nil.
      var expected = rows
      expected[2].rating = nil
      #expect(read == expected + expected)
      let batch = try table.scan().execute()
      #expect(batch["embedding"]?.nullCount == 2)
      #expect(batch["rating"]?.nullCount == 4)
    }
  }

  @Test func vectorsFromFloat16AndByteProperties() throws {
    struct Codes: Codable { var id: Int; var code: [UInt8] }
    struct Codes16: Codable { var id: Int; var embedding: [Float16] }
    struct Read16: Decodable, Equatable { var id: Int; var embedding: [Float] }
    try withDatabase { db in
      let codes = try db.createTable("codes", rows: [Codes(id: 1, code: [1, 2, 3])])
      #expect(try codes.schema().field(named: "code")?.type == .fixedSizeList(.uint8, dimension: 3))
      #expect(try codes.scan().execute().rows(as: Codes.self).map(\.code) == [[1, 2, 3]])

      let halves = try db.createTable("halves", rows: [Codes16(id: 1, embedding: [0.5, -2])])
      #expect(
        try halves.schema().field(named: "embedding")?.type
          == .fixedSizeList(.float16, dimension: 2))
      #expect(try halves.scan().execute().rows(as: Read16.self) == [Read16(id: 1, embedding: [0.5, -2])])
    }
  }

  @Test func missingExtraAndMistypedPropertiesNameTheColumn() throws {
    struct Short: Encodable { var item: String; var price: Double; var stock: Int32?; var note: String?; var added: Date }
    struct Long: Encodable {
      var item: String; var price: Double; var stock: Int32?; var note: String?; var added: Date
      var vector: [Float]; var colour: String
    }
    struct Nested: Encodable { var inner: Short }
    try withDatabase { db in
      let table = try db.createTable("items", rows: Self.items)
      let missing = try #require(throws: TableError.self) {
        try table.add([Short(item: "x", price: 1, added: .now)])
      }
      #expect(missing.code == .schemaMismatch)
      #expect(missing.message.contains("no property for the column 'vector'"))

      let extra = try #require(throws: TableError.self) {
        try table.add([Long(item: "x", price: 1, added: .now, vector: [1, 2], colour: "red")])
      }
      #expect(extra.message.contains("property 'colour'"))

      let wrongDimension = try #require(throws: TableError.self) {
        try table.add([Item(item: "x", price: 1, added: .now, vector: [1, 2, 3])])
      }
      #expect(wrongDimension.message.contains("column 'vector'"))

      let nested = try #require(throws: TableError.self) {
        try db.createTable("nested", rows: [Nested(inner: Short(item: "x", price: 1, added: .now))])
      }
      #expect(nested.message.contains("'inner' is a nested type"))
      #expect(throws: TableError.self) { try db.createTable("none", rows: [Item]()) }
    }
  }

  @Test func doubleQueriesMatchFloatQueries() throws {
    try withDatabase { db in
      let table = try db.createTable("items", rows: Self.items)
      let query: [Double] = [3, 4]
      let fromDouble = try table.search(query).limit(2).execute()
      let fromFloat = try table.search(query.map { Float($0) }).limit(2).execute()
      #expect(fromDouble == fromFloat)
      #expect(fromDouble["item"]?.strings == ["foo", "bar"])
      let batch = try table.search(batch: [query, [6, 26]]).limit(1).execute()
      #expect(batch.map { $0["item"]?.strings } == [["foo"], ["bar"]])
      #expect(throws: QueryError.self) { try table.search([Double.greatestFiniteMagnitude, 0]).execute() }
    }
  }

  @Test func recordBatchPrintsAsATable() throws {
    let batch = try RecordBatch(columns: [
      "item": ["foo", "bar"],
      "price": [10.0, 20.5],
      "stock": [3, nil] as [Int32?],
      "vector": [[3.1, 4.1], [5.9, 26.5]] as [[Float]],
      "long": [[1, 2, 3, 4, 5, 6], [0, 0, 0, 0, 0, 0]] as [[Float]],
    ])
    #expect(
      batch.description == """
        item  price  stock  vector       long
        ----  -----  -----  -----------  ----------------------
        foo   10.0   3      [3.1, 4.1]   [1.0, 2.0, 3.0, …] (6)
        bar   20.5   null   [5.9, 26.5]  [0.0, 0.0, 0.0, …] (6)
        (2 rows)
        """)
    let many = try RecordBatch(columns: ["n": Array(0..<25) as [Int64]])
    let lines = many.description.split(separator: "\n")
    #expect(lines.count == 2 + 20 + 1 + 1)
    #expect(lines[12] == "… 5 more rows")
    #expect(lines.last == "(25 rows)")
    #expect(try RecordBatch(columns: ["n": [1] as [Int64]]).description.hasSuffix("(1 row)"))
    #expect(
      "\(batch.schema)" == "item: utf8, price: float64, stock: int32, "
        + "vector: fixed_size_list<float32>[2], long: fixed_size_list<float32>[6]")
  }

  @Test func indexTypesHaveOneSpellingAndEntriesPrintOneLine() throws {
    // Each factory method is spelled as its enum case; the entry's type is the case's raw value.
    let factories: [(IndexConfig, IndexType)] = [
      (.ivfFlat(), .ivfFlat), (.ivfPQ(), .ivfPQ), (.ivfSQ(), .ivfSQ), (.ivfRQ(), .ivfRQ),
      (.hnsw(), .hnsw), (.ivfHNSWSQ(), .ivfHNSWSQ), (.ivfHNSWPQ(), .ivfHNSWPQ),
    ]
    #expect(factories.map(\.0.type) == factories.map(\.1))
    #expect(Set(factories.map(\.1)) == Set(IndexType.allCases))
    try withDatabase { db in
      let rows = (0..<64).map { index in
        Item(item: "i\(index)", price: Double(index), stock: nil, note: nil, added: .now,
          vector: [Float(index % 8), Float(index / 8)])
      }
      let table = try db.createTable("items", rows: rows)
      try table.createIndex(on: "vector", .ivfHNSWSQ(numPartitions: 2, m: 8, efConstruction: 40))
      let entry = try #require(table.indices.first)
      #expect(entry.indexType == IndexType.ivfHNSWSQ.rawValue)
      #expect(
        "\(entry)" == "vector_idx: IVF_HNSW_SQ on 'vector' (l2), 1 fragment, version 2, "
          + "ef_construction=40, m=8, max_iterations=50, num_bits=8, num_partitions=2, "
          + "sample_rate=256, seed=42")
    }
  }

  @Test func anUnqualifiedSearchUsesTheIndexMetricOnlyWhenThereIsOneIndex() throws {
    try withDatabase { db in
      let rows = (0..<64).map { index in
        Item(item: "i\(index)", price: Double(index), stock: nil, note: nil, added: .now,
          vector: [Float(index % 8) + 1, Float(index / 8) + 1])
      }
      let table = try db.createTable("items", rows: rows)
      let none = try table.search([1.0, 2.0]).explain()
      #expect(none.contains("Metric: l2 (the default; no index on 'vector')"))

      try table.createIndex(on: "vector", .ivfFlat(metric: .cosine, numPartitions: 2), name: "by_angle")
      let one = try table.search([1.0, 2.0]).explain()
      #expect(one.contains("Metric: cosine (of the only index on 'vector', 'by_angle')"))
      #expect(one.contains("ANN IVF_FLAT index 'by_angle'"))

      try table.createIndex(on: "vector", .ivfFlat(metric: .dot, numPartitions: 2), name: "by_dot")
      let two = try table.search([1.0, 2.0]).explain()
      #expect(two.contains("Metric: l2 (the default: 2 indexes on 'vector'; choose one with metric())"))
      #expect(two.contains("Index: not used: the default metric l2 is used but"))
      let chosen = try table.search([1.0, 2.0]).metric(.dot).explain()
      #expect(chosen.contains("Metric: dot (requested)"))
      #expect(chosen.contains("ANN IVF_FLAT index 'by_dot'"))
    }
  }
}
