import Foundation
import QuiverStorage

/// The rows of a build grouped by partition (the "shuffle"): fixed-size records (a row id and
/// its payload) appended in position order and kept in memory until they pass `limitBytes`,
/// then written as one run file in the index folder (through its `Storage`). Reading a partition
/// back concatenates its records from every run, then those still in memory, so its rows stay
/// in position order whatever the bound — which is why the files written from them are
/// byte-identical for any budget.
///
/// Run files are temporary: `removeRuns()` deletes them (builds call it on success and on
/// failure). Without a folder nothing is ever written (the in-memory builders).
///
/// `@unchecked Sendable`: every mutable property is touched only while holding `lock`.
package final class PartitionSpill: @unchecked Sendable {
  /// Where one run holds one partition's records.
  private struct Section {
    var offset: Int
    var length: Int
  }

  /// One run file: its path and each partition's section.
  private struct Run {
    var path: StoragePath
    var sections: [Section]
  }

  /// Bytes per record.
  package let recordBytes: Int
  private let folder: IndexFolder?
  private let limitBytes: Int
  private let lock = NSLock()
  private var buffers: [[UInt8]]
  private var bufferedBytes = 0
  private var runs: [Run] = []
  private var readers: [Int: any StorageReader] = [:]
  private var counts: [Int]

  /// The name prefix of run files in the index folder.
  package static let runNamePrefix = "build-run-"

  /// A spill of `partitionCount` partitions of `recordBytes`-byte records, writing runs into
  /// `folder` (nil: keep everything in memory) once more than `limitBytes` are buffered.
  package init(partitionCount: Int, recordBytes: Int, folder: IndexFolder?, limitBytes: Int) {
    self.recordBytes = recordBytes
    self.folder = folder
    self.limitBytes = max(limitBytes, recordBytes)
    buffers = Array(repeating: [], count: partitionCount)
    counts = Array(repeating: 0, count: partitionCount)
  }

  /// Records appended to each partition so far.
  package var rowCounts: [Int] { lock.withLock { counts } }

  /// Run files written so far.
  package var runCount: Int { lock.withLock { runs.count } }

  /// Appends record `i` of `records` to partition `partitions[i]`, in order.
  package func append(records: UnsafeRawBufferPointer, partitions: [Int32]) {
    lock.withLock {
      for row in 0..<(records.count / recordBytes) {
        let partition = Int(partitions[row])
        buffers[partition].append(
          contentsOf: UnsafeRawBufferPointer(
            rebasing: records[(row * recordBytes)..<((row + 1) * recordBytes)]))
        counts[partition] += 1
      }
      bufferedBytes += records.count
    }
  }

  /// Writes the buffered records as a run when they pass the bound.
  /// - Throws: `IndexError.ioFailure` when the run cannot be written.
  package func spillIfNeeded() throws(IndexError) {
    guard let folder else { return }
    lock.lock()
    defer { lock.unlock() }
    guard bufferedBytes >= limitBytes else { return }
    try IndexError.translatingStorageErrors {
      let path = try folder.path.appending(
        name: Self.runNamePrefix + String(runs.count + 1) + ".tmp")
      // Registered before writing, so that a failed write is removed with the others.
      runs.append(Run(path: path, sections: []))
      let writer = try folder.storage.createObject(path)
      var sections: [Section] = []
      do {
        for index in buffers.indices {
          sections.append(Section(offset: writer.bytesWritten, length: buffers[index].count))
          try writer.write(buffers[index])
          buffers[index] = []
        }
        try writer.finish()
      } catch {
        writer.abort()
        throw error
      }
      runs[runs.count - 1].sections = sections
      bufferedBytes = 0
    }
  }

  /// Every record of `partition` in append order, and releases those held in memory.
  /// - Throws: `IndexError.ioFailure` or `.corruptFile` when a run cannot be read back.
  package func takeRecords(of partition: Int) throws(IndexError) -> [UInt8] {
    lock.lock()
    defer { lock.unlock() }
    var result: [UInt8] = []
    result.reserveCapacity(counts[partition] * recordBytes)
    for (number, run) in runs.enumerated() where run.sections[partition].length > 0 {
      let section = run.sections[partition]
      let bytes = try IndexError.translatingStorageErrors {
        let reader = try readers[number] ?? folder!.storage.openReader(run.path)
        readers[number] = reader
        return try reader.read(at: section.offset, count: section.length)
      }
      result += bytes
    }
    result += buffers[partition]
    bufferedBytes -= buffers[partition].count
    buffers[partition] = []
    guard result.count == counts[partition] * recordBytes else {
      throw IndexError(
        .corruptFile,
        "partition \(partition): \(result.count) bytes of spilled rows, expected \(counts[partition] * recordBytes)"
      )
    }
    return result
  }

  /// Deletes every run file (best effort: a run that cannot be deleted is left for `cleanup`).
  package func removeRuns() {
    lock.withLock {
      readers = [:]
      guard let folder else { return }
      for run in runs { try? folder.storage.delete(run.path) }
      runs = []
    }
  }
}
