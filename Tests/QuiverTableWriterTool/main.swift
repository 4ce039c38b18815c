// A child process for the multi-process tests of QuiverTableTests: appends to a table and
// acknowledges every committed append on stdout, so a test can run several writers at once or
// kill one at a random moment.
//
//   QuiverTableWriterTool append TABLE WRITER FIRST COUNT
//
// TABLE is a folder or an `s3://bucket/prefix` (endpoint and keys from the AWS variables).
// appends COUNT times one row whose `id` is WRITER * 1_000_000 + sequence (sequence from FIRST),
// printing "ack SEQUENCE" after each commit returned.
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Foundation
import QuiverFormat
import QuiverObjectStore
import QuiverTable

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data((message + "\n").utf8))
  exit(1)
}

let arguments = CommandLine.arguments
guard arguments.count == 6, arguments[1] == "append", let writer = Int64(arguments[3]),
  let first = Int64(arguments[4]), let count = Int64(arguments[5])
else { fail("usage: QuiverTableWriterTool append TABLE WRITER FIRST COUNT") }

do {
  let table = arguments[2]
  var dataset =
    table.hasPrefix("s3://")
    ? try Dataset.open(in: S3Storage(url: table)) : try Dataset.open(at: URL(fileURLWithPath: table))
  let schema = try dataset.schema()
  for sequence in first..<(first + count) {
    let id = writer * 1_000_000 + sequence
    let vector = (0..<4).map { Float(id) + Float($0) }
    let batch = try RecordBatch(
      schema: schema, columns: [Column([id]), Column(vectors: vector, dimension: 4)])
    try dataset.append([batch])
    // Unbuffered: the test must see every acknowledgement written before a kill.
    let line = Array("ack \(sequence)\n".utf8)
    _ = line.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
  }
} catch {
  fail("writer \(writer): \(error)")
}
