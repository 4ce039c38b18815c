#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Foundation
import QuiverFormat
import QuiverKernels
import QuiverTestSupport
import Testing

@testable import QuiverTable

private func createToolTable(_ url: URL) throws {
  _ = try Dataset.create(at: url, schema: try smallSchema())
}

// No `.timeLimit`: a hung writer is killed by `TableWriterProcess`'s own hang guard.
@Test
func twoProcessesAppendingConcurrentlyLoseNothing() throws {
  try withTemporaryTable { url in
    try createToolTable(url)
    let writers = try (1...2).map {
      try TableWriterProcess(table: url.path, writer: $0, first: 0, count: 200)
    }
    for writer in writers {
      let result = writer.finish()
      #expect(result.status == 0, "writer failed: \(result.errors)")
      #expect(result.acks == Array(0..<200))
    }
    let dataset = try Dataset.open(at: url)
    #expect(dataset.version == 401)
    let ids = try liveIDs(dataset)
    let expected = (1...2).flatMap { writer in (0..<200).map { Int64(writer * 1_000_000 + $0) } }
    #expect(ids.count == 400)
    #expect(ids.sorted() == expected.sorted())
    // Each writer's appends are in its own order.
    for writer in 1...2 {
      let own = ids.filter { $0 / 1_000_000 == writer }
      #expect(own == own.sorted())
    }
    let vectors = try dataset.readAll(columns: ["id", "vector"]).batch
    for row in stride(from: 0, to: 400, by: 37) {
      let id = vectors.columns[0].values(as: Int64.self)[row]
      #expect(vectors.columns[1].vector(at: row) == (0..<4).map { Float(id) + Float($0) })
    }
  }
}

@Test
func theHangGuardKillsAWriterThatRunsTooLong() throws {
  try withTemporaryTable { url in
    try createToolTable(url)
    // A million one-row commits take far longer than the half second the guard allows.
    let writer = try TableWriterProcess(
      table: url.path, writer: 9, first: 0, count: 1_000_000, hangGuard: .milliseconds(500))
    let result = writer.finish()
    #expect(result.timedOut)
    #expect(writer.process.terminationReason == .uncaughtSignal)
    #expect(result.acks.count < 1_000_000)
  }
}

@Test
func writerKilledAtRandomPointsNeverLeavesTheTableUnreadable() throws {
  try withTemporaryTable { url in
    try createToolTable(url)
    var random = SeededGenerator(seed: 0x5EED_C0DE)
    var acknowledged = Set<Int>()
    var next = 0
    var kills = 0
    while next < 100 {
      let writer = try TableWriterProcess(table: url.path, writer: 7, first: next, count: 100 - next)
      var alreadyRead = ""
      if kills < 15 {
        // Kill after a random number of commits plus a random fraction of the next one, counted
        // by acknowledgements rather than wall time so the kill lands mid-run on any machine.
        let remaining = 100 - next
        let commits = Int.random(in: min(1, remaining - 1)...min(8, remaining - 1), using: &random)
        alreadyRead = writer.waitForAcknowledgements(commits)
        usleep(UInt32.random(in: 0...3_000, using: &random))
        kill(writer.process.processIdentifier, SIGKILL)
      }
      let result = writer.finish(alreadyRead: alreadyRead)
      #expect(!result.timedOut, "a writer hung: \(result.errors)")
      if writer.process.terminationReason == .uncaughtSignal {
        kills += 1
      } else {
        #expect(result.status == 0, "writer failed: \(result.errors)")
      }
      acknowledged.formUnion(result.acks)
      // The table opens, every committed append is there exactly once, and at most one more
      // (the append in flight when the writer died).
      let dataset = try Dataset.open(at: url)
      let present = try liveIDs(dataset).map { Int($0) - 7_000_000 }
      #expect(present.count == Set(present).count, "an append is present twice")
      let extra = Set(present).subtracting(acknowledged)
      #expect(acknowledged.isSubset(of: Set(present)), "an acknowledged append is missing")
      let inFlight = (result.acks.last.map { $0 + 1 }) ?? next
      #expect(extra.isEmpty || extra == [inFlight], "unexpected rows \(extra.sorted())")
      acknowledged.formUnion(extra)
      next = (present.max() ?? -1) + 1
      #expect(present.sorted() == Array(0..<next))
    }
    #expect(kills >= 5)
    let final = try Dataset.open(at: url)
    #expect(try liveIDs(final) == (0..<100).map { Int64(7_000_000 + $0) })
  }
}

@Test
func aChildProcessGetsTypedErrorsForDamagedFilesAndEarlierVersionsStillOpen() throws {
  try withTemporaryTable { url in
    try createToolTable(url)
    let first = try TableWriterProcess(table: url.path, writer: 3, first: 0, count: 3).finish()
    #expect(first.status == 0 && first.acks == [0, 1, 2])
    let layout = TableLayout(root: url)
    // A truncated latest manifest: the child cannot open the table for writing, with the type.
    let latest = layout.manifestURL(4)
    let manifestBytes = try Data(contentsOf: latest)
    try manifestBytes.prefix(manifestBytes.count / 2).write(to: latest)
    let refused = try TableWriterProcess(table: url.path, writer: 3, first: 3, count: 1).finish()
    #expect(refused.status == 1 && refused.errors.contains("corruptManifest"))
    #expect(try liveIDs(Dataset.open(at: url, version: 3)) == [3_000_000, 3_000_001])
    try manifestBytes.write(to: latest)
    // A corrupted data file of the latest append: a typed error reading that version; earlier
    // versions read.
    let dataset = try Dataset.open(at: url)
    let file = layout.url(relative: dataset.fragments[2].dataFiles[0].path)
    var dataBytes = try Data(contentsOf: file)
    dataBytes[dataBytes.count - 3] ^= 0xFF
    try dataBytes.write(to: file)
    #expect { try liveIDs(Dataset.open(at: url)) } throws: { ($0 as? TableError)?.code == .corruptDataFile }
    #expect(try liveIDs(Dataset.open(at: url, version: 3)) == [3_000_000, 3_000_001])
    // Appending still works (the damaged file is not rewritten); the damage stays typed.
    let later = try TableWriterProcess(table: url.path, writer: 3, first: 3, count: 1).finish()
    #expect(later.status == 0 && later.acks == [3])
    #expect(try Dataset.open(at: url).version == 5)
  }
}
