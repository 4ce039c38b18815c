import ArgumentParser
import Foundation
import Quiver
import QuiverExchange
import QuiverIndex
import QuiverKernels

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `quiver bench index`: builds an index in memory from `.fvecs` files and measures recall@10,
/// QPS and latency per sweep setting, plus build time, index bytes and peak memory
/// (Docs/Benchmarks.md, "Indexes").
struct BenchIndexCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "index",
    abstract: "Benchmark an ANN index on .fvecs/.ivecs files (recall@10, QPS, latency, build).")

  @Option(help: "Base vectors (.fvecs); row i gets row id i.")
  var base: String

  @Option(help: "Query vectors (.fvecs).")
  var queries: String

  @Option(name: .customLong("ground-truth"), help: "Exact neighbours per query (.ivecs).")
  var groundTruth: String

  @Option(
    help: "Index type: IVF_FLAT, IVF_PQ, IVF_SQ, HNSW, IVF_HNSW_SQ, IVF_HNSW_PQ, IVF_RQ.",
    transform: OptionValue.indexType)
  var type: IndexType = .ivfPQ

  @Option(help: "Metric: l2, cosine or dot.", transform: OptionValue.metric)
  var metric: DistanceMetric = .l2

  @OptionGroup var indexParameters: IndexParameterOptions

  @Option(help: "Partitions probed per query.")
  var nprobes: Int = 20

  @Option(help: "HNSW search beam (HNSW types).")
  var ef: Int?

  @Option(name: .customLong("refine-factor"), help: "Re-rank k × F candidates exactly (0: off).")
  var refineFactor: Int = 0

  @Option(help: "A sweep: nprobes=5,10,20 | ef=16,32 | refine-factor=0,5,10.")
  var sweep: SearchSweep?

  @Option(help: "Search threads (1: single-query latency; more: queries spread over threads).")
  var threads: Int = 1

  @Option(name: .customLong("build-threads"), help: "Build threads (default: all cores).")
  var buildThreads: Int?

  @Option(help: "Use only the first N queries.")
  var limitQueries: Int?

  @Flag(help: "Print a JSON array, one object per sweep setting.")
  var json = false

  func validate() throws {
    guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
  }

  func run() throws {
    let baseMatrix = try VectorMatrix<Float>(fvecsAt: base)
    var queryMatrix = try VectorMatrix<Float>(fvecsAt: queries)
    let truth = try VectorMatrix<Int32>(ivecsAt: groundTruth)
    if let limitQueries { queryMatrix = queryMatrix.prefix(limitQueries) }
    guard queryMatrix.dimension == baseMatrix.dimension else {
      throw ValidationError(
        "queries have \(queryMatrix.dimension) dimensions, base \(baseMatrix.dimension)")
    }
    guard truth.count >= queryMatrix.count, truth.dimension >= 10 else {
      throw ValidationError(
        "ground truth has \(truth.count) rows of \(truth.dimension); need \(queryMatrix.count) of ≥ 10"
      )
    }

    PeakMemory.reset()
    let buildCPUStart = PeakMemory.cpuSeconds()
    let buildStart = MonotonicClock.now()
    let index = try makeIndex(type, metric, baseMatrix)
    let buildSeconds = MonotonicClock.seconds(since: buildStart)
    let buildCPUSeconds = PeakMemory.cpuSeconds() - buildCPUStart
    let peakMemory = PeakMemory.bytes()
    StandardError.line(
      "built \(type.rawValue) \(metric.rawValue) over \(baseMatrix.count) × \(baseMatrix.dimension) in "
        + String(format: "%.2f s (%.2f s CPU)", buildSeconds, buildCPUSeconds)
        + "; \(index.describe)")

    var settings: [(nprobes: Int, ef: Int?, refineFactor: Int)] = []
    switch (sweep?.parameter, sweep?.values ?? []) {
    case (nil, _): settings = [(nprobes, ef, refineFactor)]
    case (.nprobes?, let values): settings = values.map { ($0, ef, refineFactor) }
    case (.ef?, let values): settings = values.map { (nprobes, $0, refineFactor) }
    case (.refineFactor?, let values): settings = values.map { (nprobes, ef, $0) }
    }

    var rows: [JSONValue] = []
    for setting in settings {
      let measured = try measure(
        index, baseMatrix, queryMatrix, truth, metric: metric, nprobes: setting.nprobes,
        ef: setting.ef, refineFactor: setting.refineFactor)
      let latency = measured.latency
      // 1000 / p50_ms: robust to other processes stealing the CPU.
      let medianQPS = latency.p50Milliseconds > 0 ? 1000 / latency.p50Milliseconds : 0
      let shared = SearchBenchMembers.shared(
        type: type.rawValue, metric: metric.rawValue, nprobes: setting.nprobes, ef: setting.ef,
        refineFactor: setting.refineFactor, recallAt10: measured.recall, qps: measured.qps,
        latency: latency, buildSeconds: buildSeconds, indexBytes: index.byteCount,
        peakMemoryBytes: peakMemory)
      rows.append(
        .object(
          shared + [
            ("median_qps", .number(medianQPS)),
            // User + system CPU seconds of the build (all threads).
            ("build_cpu_seconds", .number(buildCPUSeconds)), ("threads", .int(threads)),
            ("rows", .int(baseMatrix.count)), ("queries", .int(queryMatrix.count)),
            ("kernel_isa", .string(KernelISA.active.rawValue)),
          ]))
      if !json {
        print(
          String(
            format:
              "%@ %@ nprobes=%d ef=%@ refine=%d  recall@10=%.4f  qps=%.0f (median %.0f)  p50=%.3f ms  p99=%.3f ms  build=%.2f s (%.1f s CPU)  index=%.1f MB  peak=%.1f MB",
            type.rawValue, metric.rawValue, setting.nprobes, setting.ef.map(String.init) ?? "-",
            setting.refineFactor, measured.recall, measured.qps, medianQPS,
            latency.p50Milliseconds, latency.p99Milliseconds, buildSeconds, buildCPUSeconds,
            Double(index.byteCount) / 1e6, Double(peakMemory) / 1e6))
      }
    }
    if json {
      print(JSONValue.array(rows).serialized())
    }
  }

  private func makeIndex(
    _ indexType: IndexType, _ distanceMetric: DistanceMetric, _ base: VectorMatrix<Float>
  ) throws -> any BenchableIndex {
    let rowIds = (0..<UInt64(base.count)).map { $0 }
    switch indexType {
    case .ivfFlat, .ivfPQ, .ivfSQ:
      let parameters = IVFIndexParameters(
        type: indexType, metric: distanceMetric, numPartitions: indexParameters.numPartitions,
        numSubVectors: indexParameters.numSubVectors,
        numBits: indexParameters.numBits ?? indexType.defaultNumBits,
        sampleRate: indexParameters.sampleRate, maxIterations: indexParameters.maxIterations,
        seed: indexParameters.seed)
      return try IVFIndexBuilder(parameters: parameters, threads: buildThreads).build(
        vectors: base.values, rowIds: rowIds, dimension: base.dimension)
    case .hnsw, .ivfHNSWSQ, .ivfHNSWPQ:
      return try makeHNSWIndex(indexType, distanceMetric, base)
    case .ivfRQ:
      let parameters = IVFIndexParameters(
        type: indexType, metric: distanceMetric, numPartitions: indexParameters.numPartitions,
        numBits: indexParameters.numBits ?? indexType.defaultNumBits,
        sampleRate: indexParameters.sampleRate, maxIterations: indexParameters.maxIterations,
        seed: indexParameters.seed)
      return try IVFRQIndex.build(
        vectors: base.values, rowIds: rowIds, dimension: base.dimension, parameters: parameters,
        threads: buildThreads)
    }
  }

  private func measure(
    _ index: any BenchableIndex, _ base: VectorMatrix<Float>, _ queries: VectorMatrix<Float>,
    _ truth: VectorMatrix<Int32>, metric: DistanceMetric, nprobes: Int, ef: Int?,
    refineFactor: Int
  ) throws -> (recall: Double, qps: Double, latency: LatencySummary) {
    let k = 10
    let candidates = refineFactor > 0 ? k * refineFactor : k
    let count = queries.count
    let dimension = base.dimension
    var found = [[UInt64]](repeating: [], count: count)
    var latencies = [Double](repeating: 0, count: count)
    var failure: Error?
    // Warm-up: the first 50 queries once, untimed.
    for q in 0..<min(50, count) {
      _ = try index.search(queries.row(q), k: candidates, nprobes: nprobes, ef: ef, filter: nil)
    }
    let workers = max(1, min(threads, count))
    let start = MonotonicClock.now()
    base.values.withUnsafeBufferPointer { baseBuffer in
      found.withUnsafeMutableBufferPointer { foundBuffer in
        latencies.withUnsafeMutableBufferPointer { latencyBuffer in
          let foundOut = foundBuffer
          let latencyOut = latencyBuffer
          let work = { (worker: Int) in
            var q = worker
            while q < count {
              let queryStart = MonotonicClock.now()
              do {
                let query = queries.row(q)
                var result = try index.search(
                  query, k: candidates, nprobes: nprobes, ef: ef, filter: nil)
                if refineFactor > 0 {
                  var top = TopK(k: k)
                  let rows = result.map { Int($0.id) }
                  var exact = [Float](repeating: 0, count: rows.count)
                  query.withUnsafeBufferPointer { qb in
                    rows.withUnsafeBufferPointer { r in
                      exact.withUnsafeMutableBufferPointer { e in
                        metric.distances(
                          from: qb.baseAddress!, toRows: r.baseAddress!,
                          of: baseBuffer.baseAddress!, count: rows.count, dimension: dimension,
                          into: e.baseAddress!)
                      }
                    }
                  }
                  for (position, neighbor) in result.enumerated() {
                    top.insert(id: neighbor.id, distance: exact[position])
                  }
                  result = top.sorted()
                }
                foundOut[q] = result.prefix(k).map(\.id)
              } catch {
                failure = error
              }
              latencyOut[q] = MonotonicClock.seconds(since: queryStart)
              q += workers
            }
          }
          if workers == 1 {
            work(0)
          } else {
            withoutActuallyEscaping(work) { escapable in
              let box = BenchUnchecked(escapable)
              DispatchQueue.concurrentPerform(iterations: workers) { box.value($0) }
            }
          }
        }
      }
    }
    let seconds = MonotonicClock.seconds(since: start)
    if let failure { throw failure }
    let recall = RecallCounter.recall(
      found: found.map { $0.map { Int64(bitPattern: $0) } },
      truth: (0..<count).map { truth.row($0).map { Int64($0) } }, k: k)
    return (recall, Double(count) / seconds, LatencySummary(seconds: latencies))
  }
}

/// What the benchmark needs of an index besides `VectorIndex`; every type conforms in
/// this folder.
protocol BenchableIndex: VectorIndex {
  /// Bytes the index holds in memory.
  var byteCount: Int { get }
  /// A one-line description for stderr.
  var describe: String { get }
}

extension IVFIndex: BenchableIndex {
  var describe: String {
    statistics.benchDescription(
      quantizer: "sub-vectors \(parameters.numSubVectors.map(String.init) ?? "-"), "
        + "bits \(parameters.numBits)")
  }
}

extension IVFIndexStatistics {
  /// `describe` of an IVF index: its partitions, `quantizer` (what it stores per row), and
  /// how k-means trained.
  func benchDescription(quantizer: String) -> String {
    "\(partitionCount) partitions (rows min \(partitionSizes.min() ?? 0), "
      + "max \(partitionSizes.max() ?? 0)), \(quantizer), "
      + "k-means \(ivfIterations) iterations on \(ivfTrainingRows) rows, "
      + "kernels \(KernelISA.active.rawValue)"
  }
}

/// The process's peak resident memory (`VmHWM` on Linux, `ru_maxrss` elsewhere).
enum PeakMemory {
  /// Resets the Linux high-water mark (writes 5 to /proc/self/clear_refs), so the next reading
  /// covers what follows.
  static func reset() {
    #if os(Linux)
      if let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") {
        handle.write(Data("5".utf8))
        try? handle.close()
      }
    #endif
  }

  /// User plus system CPU seconds of the process so far.
  static func cpuSeconds() -> Double {
    var usage = rusage()
    #if os(Linux)
      getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    #else
      getrusage(RUSAGE_SELF, &usage)
    #endif
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
      + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
  }

  static func bytes() -> Int {
    #if os(Linux)
      if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) {
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
          let kilobytes = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
          return kilobytes * 1024
        }
      }
      return 0
    #else
      var usage = rusage()
      getrusage(RUSAGE_SELF, &usage)
      return Int(usage.ru_maxrss)
    #endif
  }
}

/// Carries the measurement closure into `concurrentPerform`. `@unchecked Sendable`: workers
/// write disjoint query slots; `failure` is only ever set to some error (a benign race that
/// still reports a failure).
private struct BenchUnchecked<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}
