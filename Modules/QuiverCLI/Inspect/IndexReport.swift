import Foundation
import QuiverIndex
import QuiverStorage
import QuiverTable

/// What `quiver inspect` shows of one index: its entry in the manifest (type, metric,
/// parameters, fragments covered) and the bytes of its files.
struct IndexReport {
  var entry: IndexEntry
  var bytes: Int
  var files: [String]
  var coveredRows: Int
  /// Rows per IVF partition, when the index files could be opened.
  var partitionSizes: SizeHistogram?
  /// What the index files say about training and size (IVF types).
  var statistics: IVFIndexStatistics?
  /// Why the index files could not be opened for details, if they could not.
  var openProblem: String?
  /// Levels and degrees of the graph (HNSW).
  var graph: HNSWGraphSummary?
  /// Partitions of an IVF_HNSW index (their sizes and graphs are not exposed by QuiverIndex).
  var hnswPartitionCount: Int?

  /// Reads the index entry and lists its folder.
  init(entry: IndexEntry, dataset: Dataset) {
    self.entry = entry
    let folder: IndexFolder
    do {
      let location = try dataset.indexStorage(uuid: entry.uuid)
      folder = IndexFolder(storage: location.storage, path: location.folder)
    } catch {
      openProblem = "\(error)"
      bytes = 0
      files = []
      coveredRows = 0
      return
    }
    let listed = (try? folder.storage.list(folder.path)) ?? []
    bytes = listed.reduce(0) { $0 + $1.size }
    files = listed.compactMap { $0.path.relative(to: folder.path)?.description }.sorted()
    let covered = Set(entry.fragmentIDs)
    coveredRows = dataset.fragments.filter { covered.contains($0.id) }.reduce(0) {
      $0 + $1.physicalRowCount
    }
    do {
      switch IndexType(rawValue: entry.indexType) {
      case let type? where type.isPlainIVF:
        let index = try IVFIndex.open(at: folder, cacheCapacityBytes: 0)
        statistics = index.statistics
        partitionSizes = SizeHistogram(index.statistics.partitionSizes)
      case .hnsw?:
        graph = HNSWGraphSummary(try HNSWIndex.open(at: folder).graph)
      case .ivfHNSWSQ?, .ivfHNSWPQ?:
        hnswPartitionCount = try IVFHNSWIndex.open(at: folder).partitionCount
      default:
        break
      }
    } catch {
      openProblem = error.message
    }
  }

  /// Reads every file of the index and reports what is missing or unreadable, and every
  /// partition's row ids that lie outside the fragments the version gives the index. Reads
  /// only: nothing is created, even for an index whose folder is missing.
  func verify(dataset: Dataset) -> [String] {
    let folder: IndexFolder
    do {
      let location = try dataset.indexStorage(uuid: entry.uuid)
      folder = IndexFolder(storage: location.storage, path: location.folder)
    } catch {
      return ["index '\(entry.name)': \(error)"]
    }
    guard let listed = try? folder.storage.list(folder.path), !listed.isEmpty else {
      return ["\(dataset.location)/_indices/\(entry.uuid): index '\(entry.name)' has no folder"]
    }
    guard let type = IndexType(rawValue: entry.indexType) else {
      return ["index '\(entry.name)': unknown type \(entry.indexType)"]
    }
    let coverage = IndexRowCoverage(entry: entry, dataset: dataset)
    do {
      // Opening checks the model file; reading each partition checks its checksum and rows.
      let problem: String?
      switch type {
      case .hnsw:
        problem = coverage.problem(try HNSWIndex.open(at: folder).rowIDs, partition: nil)
      case .ivfRQ:
        let index = try IVFRQIndex.open(at: folder, cacheCapacityBytes: 0)
        problem = try coverage.firstProblem(partitions: index.partitionCount) {
          (partition) throws(IndexError) in try index.rowIDs(inPartition: partition)
        }
      case .ivfHNSWSQ, .ivfHNSWPQ:
        let index = try IVFHNSWIndex.open(at: folder)
        problem = try coverage.firstProblem(partitions: index.partitionCount) {
          (partition) throws(IndexError) in try index.rowIDs(inPartition: partition)
        }
      default:
        guard type.isPlainIVF else { return [] }
        let index = try IVFIndex.open(at: folder, cacheCapacityBytes: 0)
        problem = try coverage.firstProblem(partitions: index.partitionCount) {
          (partition) throws(IndexError) in try index.rowIDs(inPartition: partition)
        }
      }
      return problem.map { [$0] } ?? []
    } catch {
      return ["index '\(entry.name)': \(error.message)"]
    }
  }

  func textLines() -> [String] {
    let parameters = entry.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    return [
      "\(entry.name): \(entry.indexType) on '\(entry.column)', metric \(entry.metric), "
        + "\(ByteCount.format(Int64(bytes))) in \(files.count) files",
      "  parameters: "
        + (parameters.isEmpty ? "(none recorded)" : parameters.joined(separator: ", ")),
      "  covers fragments \(entry.fragmentIDs.map(String.init).joined(separator: ", ")) "
        + "(\(coveredRows) rows), built in version \(entry.createdInVersion)",
    ] + detailLines()
  }

  private func detailLines() -> [String] {
    var lines: [String] = []
    if let openProblem { lines.append("  index files: \(openProblem)") }
    if let statistics {
      lines.append(
        "  training: \(statistics.ivfTrainingRows) rows, \(statistics.ivfIterations) k-means "
          + "iterations, mean distance " + String(format: "%.4f", statistics.ivfMeanDistance)
          + ", \(statistics.repairedEmptyClusters) empty clusters repaired, "
          + "\(statistics.bytesPerRow) bytes per row")
    }
    if let partitionSizes {
      lines.append("  rows per partition:")
      lines += partitionSizes.textLines(unit: "partitions").map { "    " + $0 }
    }
    if let graph { lines += graph.textLines().map { "  " + $0 } }
    if let hnswPartitionCount {
      lines.append(
        "  \(hnswPartitionCount) partitions, one HNSW graph each (per-partition sizes and graph "
          + "statistics are not exposed by QuiverIndex yet)")
    }
    return lines
  }

  func json() -> JSONValue {
    .object([
      ("name", .string(entry.name)), ("uuid", .string(entry.uuid)),
      ("column", .string(entry.column)),
      ("type", .string(entry.indexType)), ("metric", .string(entry.metric)),
      (
        "parameters",
        .object(entry.parameters.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
      ),
      ("fragments", .array(entry.fragmentIDs.map { .int($0) })),
      ("rows", .int(coveredRows)), ("bytes", .int(bytes)),
      ("created_in_version", .int(entry.createdInVersion)),
      ("partition_sizes", partitionSizes?.json() ?? .null),
      (
        "training",
        statistics.map { statistics in
          .object([
            ("rows", .int(statistics.ivfTrainingRows)),
            ("iterations", .int(statistics.ivfIterations)),
            ("mean_distance", .number(statistics.ivfMeanDistance)),
            ("repaired_empty_clusters", .int(statistics.repairedEmptyClusters)),
            ("quantizer_training_rows", .int(statistics.quantizerTrainingRows)),
            ("bytes_per_row", .int(statistics.bytesPerRow)),
          ])
        } ?? .null
      ),
      ("hnsw", graph?.json() ?? .null),
      ("hnsw_partitions", hnswPartitionCount.map { .int($0) } ?? .null),
      ("problem", openProblem.map { .string($0) } ?? .null),
    ])
  }
}
