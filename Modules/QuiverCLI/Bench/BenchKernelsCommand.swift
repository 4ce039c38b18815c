import ArgumentParser
import Foundation
import Quiver
import QuiverKernels

#if canImport(Glibc)
  import Glibc
#endif

/// `quiver bench kernels`: throughput of the distance kernels on the active instruction-set path.
///
/// For each dimension: one-to-many L2, dot and cosine scans over data that fits in L2 and over a
/// buffer far larger than L3; the single-core streaming read bandwidth of the same large buffer
/// (a plain SIMD sum, the ceiling a scan can reach); a naive scalar Swift L2 loop for comparison;
/// the many-to-many block in GFLOP/s; SQ8, PQ8 and PQ4 scans. Each figure is the median of
/// `--repetitions` timed samples.
struct BenchKernelsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "kernels",
    abstract: "Benchmark the vector kernels (one-to-many, block, quantized scans).")

  @Flag(help: "Print a JSON array of results instead of a table.")
  var json = false

  @Option(help: "Comma-separated vector dimensions.")
  var dimensions = "128,384,768,1536"

  @Option(help: "Size of the far-larger-than-L3 buffer in MiB.")
  var largeMebibytes = 1024

  @Option(help: "Size of the in-L2 point block in KiB.")
  var cacheKibibytes = 512

  @Option(help: "Timed samples per figure; the median is reported.")
  var repetitions = 5

  @Option(help: "Run on this path instead of the detected one: scalar, avx2, avx512, neon.")
  var isa: String?

  @Flag(
    help: ArgumentHelp(
      "Time with the wall clock instead of this thread's CPU time.",
      discussion: "CPU time is the default: on a shared machine wall time mostly measures the "
        + "other processes."))
  var wallClock = false

  @Flag(help: "Back the large buffer with 4 KiB pages instead of transparent huge pages (Linux).")
  var smallPages = false

  func validate() throws {
    guard repetitions > 0 else { throw ValidationError("--repetitions must be positive") }
    guard largeMebibytes > 0, cacheKibibytes > 0 else {
      throw ValidationError("buffer sizes must be positive")
    }
    guard OptionValue.positiveIntegers(dimensions) != nil else {
      throw ValidationError("--dimensions must list positive integers, e.g. 128,384")
    }
    if let isa, KernelISA(rawValue: isa) == nil {
      throw ValidationError("unknown --isa \(isa); use scalar, avx2, avx512 or neon")
    }
  }

  func run() throws {
    if let isa, let path = KernelISA(rawValue: isa) {
      guard KernelISA.force(path) else {
        throw ValidationError("this CPU cannot run --isa \(isa) (detected \(KernelISA.detected))")
      }
    }
    var bench = KernelBenchmark(
      isa: KernelISA.active, repetitions: repetitions, wallClock: wallClock,
      largeBytes: largeMebibytes << 20, cacheBytes: cacheKibibytes << 10, hugePages: !smallPages)
    if !json {
      print(
        "kernels on \(KernelISA.active.rawValue) (detected \(KernelISA.detected.rawValue)); "
          + "median of \(repetitions) \(wallClock ? "wall-clock" : "thread-CPU-time") samples; "
          + "large buffer \(largeMebibytes) MiB (\(smallPages ? "4 KiB" : "huge") pages), "
          + "in-cache \(cacheKibibytes) KiB")
    }
    for dimension in OptionValue.positiveIntegers(dimensions) ?? [] {
      for result in bench.run(dimension: dimension) {
        if !json { print(result.line) }
      }
      if !json { print(bench.summary(dimension: dimension)) }
    }
    if json {
      try BenchJSON.print(bench.results)
    }
  }
}

/// One measured figure.
struct KernelBenchResult: Codable {
  /// What ran: e.g. `one_to_many_l2`, `stream_sum`, `naive_swift_l2`, `block_l2`, `pq8_scan`.
  var kernel: String
  /// `in_l2`, `in_l3` or `beyond_l3`: where the data the kernel reads lives.
  var workingSet: String
  /// The instruction-set path.
  var isa: String
  /// Vector dimension.
  var dim: Int
  /// Distances computed per call (block: queries × points).
  var n: Int
  /// Input bytes read per second.
  var bytesPerSecond: Double
  /// Distances (or PQ/SQ rows) per second.
  var distancesPerSecond: Double
  /// Floating-point operations per second, for the block (dot: 2 per element pair, l2: 3).
  var gflops: Double?
  /// Median seconds per call.
  var seconds: Double

  enum CodingKeys: String, CodingKey {
    case kernel, isa, dim, n, gflops, seconds
    case workingSet = "working_set"
    case bytesPerSecond = "bytes_per_second"
    case distancesPerSecond = "distances_per_second"
  }

  var line: String {
    func padded(_ text: String, _ width: Int) -> String {
      text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
    let flops = gflops.map { String(format: "  %7.1f GFLOP/s", $0) } ?? ""
    return padded(kernel, 20) + " " + padded(workingSet, 10)
      + String(
        format: "dim %5d  n %8d  %7.2f GB/s  %9.3g dist/s", dim, n, bytesPerSecond / 1e9,
        distancesPerSecond) + flops
  }
}

/// The measurements; buffers are allocated once and reused across dimensions.
struct KernelBenchmark {
  let isa: KernelISA
  let repetitions: Int
  let wallClock: Bool
  let largeBytes: Int
  let cacheBytes: Int
  private(set) var results: [KernelBenchResult] = []
  private let large: UnsafeMutableBufferPointer<Float>
  private var random = SeededRandom(seed: 0x9E37_79B9)

  init(
    isa: KernelISA, repetitions: Int, wallClock: Bool, largeBytes: Int, cacheBytes: Int,
    hugePages: Bool
  ) {
    self.isa = isa
    self.repetitions = repetitions
    self.wallClock = wallClock
    self.largeBytes = largeBytes
    self.cacheBytes = cacheBytes
    // 2 MiB-aligned so the kernel can back it with transparent huge pages when asked: fewer TLB
    // misses, ~20% more streaming bandwidth here (numpy does the same for large arrays).
    let memory = UnsafeMutableRawPointer.allocate(byteCount: largeBytes, alignment: 1 << 21)
    #if os(Linux)
      if hugePages { _ = madvise(memory, largeBytes, 14) }  // MADV_HUGEPAGE
    #endif
    large = UnsafeMutableBufferPointer(
      start: memory.bindMemory(to: Float.self, capacity: largeBytes / 4), count: largeBytes / 4)
    var fill = SeededRandom(seed: 7)
    for i in 0..<large.count { large[i] = fill.nextFloat() }
  }

  mutating func run(dimension: Int) -> [KernelBenchResult] {
    let before = results.count
    let query = (0..<dimension).map { _ in random.nextFloat() }
    // In-L2 one-to-many: a block of points that fits in L2 with its output.
    let cacheCount = max(4, cacheBytes / (dimension * 4))
    let cachePoints = (0..<(cacheCount * dimension)).map { _ in random.nextFloat() }
    let largeCount = large.count / dimension
    let out = UnsafeMutablePointer<Float>.allocate(capacity: max(cacheCount, largeCount))
    defer { out.deallocate() }
    let metrics = [DistanceMetric.l2, .dot, .cosine]
    let streamed = largeCount * dimension
    query.withUnsafeBufferPointer { q in
      cachePoints.withUnsafeBufferPointer { p in
        // The kernels and the naive loop take turns sample by sample, so a slow spell of the
        // shared machine hits all of them alike and their ratio stays meaningful.
        var cacheBodies: [() -> Void] = metrics.map { metric in
          {
            metric.distances(
              from: q.baseAddress!, to: p.baseAddress!, count: cacheCount, dimension: dimension,
              into: out)
          }
        }
        cacheBodies.append {
          naiveSquaredL2(q.baseAddress!, p.baseAddress!, cacheCount, dimension, out)
        }
        let cacheSeconds = timeInterleaved(cacheBodies)
        for (metric, seconds) in zip(metrics, cacheSeconds) {
          record(
            "one_to_many_\(metric.rawValue)", "in_l2", dimension, cacheCount, seconds,
            bytes: cacheCount * dimension * 4)
        }
        record(
          "naive_swift_l2", "in_l2", dimension, cacheCount, cacheSeconds[3],
          bytes: cacheCount * dimension * 4)

        let points = UnsafePointer(large.baseAddress!)
        var largeBodies: [() -> Void] = metrics.map { metric in
          {
            metric.distances(
              from: q.baseAddress!, to: points, count: largeCount, dimension: dimension,
              into: out)
          }
        }
        largeBodies.append { out[0] = streamingSum(points, streamed) }
        let largeSeconds = timeInterleaved(largeBodies)
        for (metric, seconds) in zip(metrics, largeSeconds) {
          record(
            "one_to_many_\(metric.rawValue)", placement(largeBytes), dimension, largeCount,
            seconds, bytes: largeCount * dimension * 4)
        }
        record(
          "stream_sum", placement(largeBytes), dimension, largeCount, largeSeconds[3],
          bytes: streamed * 4)
      }
    }
    runHalfPrecision(dimension: dimension, query: query)
    runBlock(dimension: dimension)
    runQuantized(dimension: dimension)
    return Array(results[before...])
  }

  /// One-to-many L2 over half-precision points: a 512 KiB block in L2, and the large buffer read
  /// as halves (its bit patterns are arbitrary halves; the speed does not depend on the values).
  private mutating func runHalfPrecision(dimension: Int, query: [Float]) {
    let cacheCount = max(4, cacheBytes / (dimension * 2))
    let halves = (0..<(cacheCount * dimension)).map { _ in
      UInt16(truncatingIfNeeded: random.next()) & 0x3BFF  // finite, magnitude < 1
    }
    let largeCount = large.count * 2 / dimension
    let out = UnsafeMutablePointer<Float>.allocate(capacity: max(cacheCount, largeCount))
    defer { out.deallocate() }
    let largeHalves = UnsafeRawPointer(large.baseAddress!).assumingMemoryBound(to: UInt16.self)
    let seconds = query.withUnsafeBufferPointer { q in
      halves.withUnsafeBufferPointer { h in
        timeInterleaved([
          {
            DistanceMetric.l2.distances(
              from: q.baseAddress!, toHalfPrecision: h.baseAddress!, count: cacheCount,
              dimension: dimension, into: out)
          },
          {
            DistanceMetric.l2.distances(
              from: q.baseAddress!, toHalfPrecision: largeHalves, count: largeCount,
              dimension: dimension, into: out)
          },
        ])
      }
    }
    record(
      "one_to_many_l2_f16", "in_l2", dimension, cacheCount, seconds[0],
      bytes: cacheCount * dimension * 2)
    record(
      "one_to_many_l2_f16", placement(largeBytes), dimension, largeCount, seconds[1],
      bytes: largeCount * dimension * 2)
  }

  /// Many-to-many: 1024 queries × 1024 points (k-means assignment shape).
  private mutating func runBlock(dimension: Int) {
    let queryCount = 1024
    let pointCount = 1024
    let queries = (0..<(queryCount * dimension)).map { _ in random.nextFloat() }
    let points = (0..<(pointCount * dimension)).map { _ in random.nextFloat() }
    let out = UnsafeMutablePointer<Float>.allocate(capacity: queryCount * pointCount)
    defer { out.deallocate() }
    for (metric, flopsPerPair) in [(DistanceMetric.l2, 3.0), (.dot, 2.0)] {
      let seconds = queries.withUnsafeBufferPointer { q in
        points.withUnsafeBufferPointer { p in
          time {
            metric.distanceBlock(
              queries: q.baseAddress!, queryCount: queryCount, points: p.baseAddress!,
              pointCount: pointCount, dimension: dimension, into: out)
          }
        }
      }
      let pairs = queryCount * pointCount
      record(
        "block_\(metric.rawValue)", "in_l2", dimension, pairs, seconds,
        bytes: (queryCount + pointCount) * dimension * 4,
        flops: Double(pairs) * Double(dimension) * flopsPerPair)
    }
  }

  /// SQ8 (in L2) and PQ scans with dimension / 8 sub-vectors (PQ8: 256 centroids, PQ4: 16).
  private mutating func runQuantized(dimension: Int) {
    let sqCount = max(4, cacheBytes / dimension)
    let codes = (0..<(sqCount * dimension)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    let qMinusOffset = (0..<dimension).map { _ in random.nextFloat() }
    let scale = (0..<dimension).map { _ in abs(random.nextFloat()) / 100 }
    let out = UnsafeMutablePointer<Float>.allocate(capacity: max(sqCount, 200_000))
    defer { out.deallocate() }
    let sq = time {
      QuantizedKernels.sq8SquaredL2(
        queryMinusOffset: qMinusOffset, scale: scale, codes: codes, count: sqCount,
        dimension: dimension, into: out)
    }
    record("sq8_l2", "in_l2", dimension, sqCount, sq, bytes: sqCount * dimension)

    let subVectors = max(1, dimension / 8)
    let rows = 200_000
    typealias Scan = (
      _ lut: UnsafePointer<Float>, _ codes: UnsafePointer<UInt8>, _ count: Int,
      _ subVectorCount: Int, _ out: UnsafeMutablePointer<Float>
    ) -> Void
    let scans: [(bits: Int, rowBytes: Int, scan: Scan)] = [
      (8, subVectors, QuantizedKernels.pq8Scan),
      (4, (subVectors + 1) / 2, QuantizedKernels.pq4Scan),
    ]
    for (bits, rowBytes, scan) in scans {
      let lut = (0..<(subVectors << bits)).map { _ in abs(random.nextFloat()) }
      let codes = (0..<(rows * rowBytes)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
      let seconds = time { scan(lut, codes, rows, subVectors, out) }
      record(
        "pq\(bits)_scan_m\(subVectors)", placement(rows * rowBytes), dimension, rows, seconds,
        bytes: rows * rowBytes)
    }
  }

  /// Where a working set of `bytes` lives on this machine (1 MiB L2, 32 MiB L3).
  private func placement(_ bytes: Int) -> String {
    bytes <= 1 << 20 ? "in_l2" : bytes <= 32 << 20 ? "in_l3" : "beyond_l3"
  }

  private mutating func record(
    _ kernel: String, _ workingSet: String, _ dimension: Int, _ n: Int, _ seconds: Double,
    bytes: Int, flops: Double? = nil
  ) {
    results.append(
      KernelBenchResult(
        kernel: kernel, workingSet: workingSet, isa: isa.rawValue, dim: dimension, n: n,
        bytesPerSecond: Double(bytes) / seconds, distancesPerSecond: Double(n) / seconds,
        gflops: flops.map { $0 / seconds / 1e9 }, seconds: seconds))
  }

  /// The median over `repetitions` samples of the seconds one call takes; each sample repeats
  /// the call for at least 50 ms, after one warm-up call.
  private func time(_ body: () -> Void) -> Double {
    withoutActuallyEscaping(body) { timeInterleaved([$0])[0] }
  }

  /// Like `time`, for several bodies measured in turns: sample k of every body is taken before
  /// sample k + 1 of any. Returns each body's median seconds per call.
  private func timeInterleaved(_ bodies: [() -> Void]) -> [Double] {
    for body in bodies { body() }
    var samples = [[Double]](repeating: [], count: bodies.count)
    for _ in 0..<repetitions {
      for (index, body) in bodies.enumerated() {
        var calls = 0
        let start = clock()
        var elapsed = 0.0
        repeat {
          body()
          calls += 1
          elapsed = clock() - start
        } while elapsed < 0.05
        samples[index].append(elapsed / Double(calls))
      }
    }
    return samples.map { $0.sorted()[$0.count / 2] }
  }

  /// Seconds on the chosen clock: this thread's CPU time, or the monotonic wall clock.
  private func clock() -> Double {
    var now = timespec()
    clock_gettime(wallClock ? CLOCK_MONOTONIC : CLOCK_THREAD_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
  }

  /// The two targets of issue #2 for one dimension, as a sentence.
  func summary(dimension: Int) -> String {
    func rate(_ kernel: String, _ set: String) -> Double? {
      results.first { $0.kernel == kernel && $0.workingSet == set && $0.dim == dimension }?
        .bytesPerSecond
    }
    let far = placement(largeBytes)
    guard let scan = rate("one_to_many_l2", far), let stream = rate("stream_sum", far),
      let fast = rate("one_to_many_l2", "in_l2"), let naive = rate("naive_swift_l2", "in_l2")
    else { return "" }
    return String(
      format: "  dim %d: large L2 scan at %.0f%% of streaming bandwidth (target >= 85%%); "
        + "in-L2 L2 kernel %.1fx the naive Swift loop (target >= 10x)",
      dimension, 100 * scan / stream, fast / naive)
  }
}

/// A naive scalar Swift squared-L2 scan: the baseline the SIMD kernel is compared with.
@inline(never)
private func naiveSquaredL2(
  _ query: UnsafePointer<Float>, _ points: UnsafePointer<Float>, _ count: Int, _ dimension: Int,
  _ out: UnsafeMutablePointer<Float>
) {
  for j in 0..<count {
    let row = points + j * dimension
    var sum: Float = 0
    for i in 0..<dimension {
      let d = query[i] - row[i]
      sum += d * d
    }
    out[j] = sum
  }
}

/// A plain sum over `count` floats with four SIMD accumulators: how fast one core can stream
/// the buffer from memory, the ceiling for a one-to-many scan.
@inline(never)
private func streamingSum(_ values: UnsafePointer<Float>, _ count: Int) -> Float {
  let raw = UnsafeRawPointer(values)
  var a0 = SIMD8<Float>()
  var a1 = a0
  var a2 = a0
  var a3 = a0
  var i = 0
  while i + 32 <= count {
    a0 += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
    a1 += raw.loadUnaligned(fromByteOffset: i * 4 + 32, as: SIMD8<Float>.self)
    a2 += raw.loadUnaligned(fromByteOffset: i * 4 + 64, as: SIMD8<Float>.self)
    a3 += raw.loadUnaligned(fromByteOffset: i * 4 + 96, as: SIMD8<Float>.self)
    i += 32
  }
  var sum = ((a0 + a1) + (a2 + a3)).sum()
  while i < count {
    sum += values[i]
    i += 1
  }
  return sum
}

extension SeededRandom {
  /// Uniform in [-1, 1), for benchmark data.
  mutating func nextFloat() -> Float { Float(next() >> 40) / Float(1 << 23) - 1 }
}
