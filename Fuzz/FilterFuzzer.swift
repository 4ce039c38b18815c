import QuiverFormat
@testable import QuiverQuery

/// The filter parser, checker and evaluator on arbitrary text, against a fixed batch.
private let columns: [FilterColumn] = [
  FilterColumn(name: "id", kind: .signedInteger, typeName: "int64"),
  FilterColumn(name: "price", kind: .float, typeName: "float64"),
  FilterColumn(name: "name", kind: .string, typeName: "utf8"),
  FilterColumn(name: "flag", kind: .boolean, typeName: "bool"),
]

private let batch = try! RecordBatch([
  ("id", Column([Int64(1), 2, 3])), ("price", Column([1.5, Double.nan, -2])),
  ("name", Column(["a", "bé", ""])), ("flag", Column([true, false, true])),
])

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: FuzzSupport.bytes(data, size), as: UTF8.self)
  guard let filter = try? Filter(text, columns: columns) else { return 0 }
  _ = try? FilterEvaluator.evaluate(filter.bound, on: batch)
  _ = filter.description
  return 0
}
