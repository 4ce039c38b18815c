import QuiverIndex
import QuiverKernels
import QuiverTestSupport
import Testing

/// Invariants of a built IVF index, row by row: every row sits in its nearest partition, its
/// code is the quantizer's best code for its residual, and the distances a search returns are
/// the exact distances to the vector the index stores (centroid plus decoded residual).
@Suite("IVF invariants")
struct IVFInvariantTests {
  /// The vectors the index compares (unit vectors for cosine), by row id.
  static func indexedVector(_ row: Int, metric: DistanceMetric, vectors: [Float], dimension: Int)
    -> [Float]
  {
    let vector = Array(vectors[(row * dimension)..<((row + 1) * dimension)])
    return metric == .cosine ? QuantizerReference.unit(vector) : vector
  }

  /// The partition each row id is stored in, and its position there.
  static func locations(_ index: IVFIndex) throws -> [UInt64: (partition: Int, position: Int)] {
    var result: [UInt64: (Int, Int)] = [:]
    for partition in 0..<index.partitionCount {
      for (position, id) in try index.store.partition(partition).rowIds.enumerated() {
        result[id] = (partition, position)
      }
    }
    return result
  }

  /// Rows whose partition is not their nearest centroid (in the index's centroid metric; an
  /// exact tie goes to the lower partition).
  static func misassignedRows(
    _ index: IVFIndex, vectors: [Float], rowCount: Int
  ) throws -> [String] {
    let dimension = index.dimension
    let locations = try locations(index)
    var wrong: [String] = []
    for row in 0..<rowCount {
      let vector = indexedVector(row, metric: index.metric, vectors: vectors, dimension: dimension)
      let distances: [Double] = (0..<index.partitionCount).map { partition in
        let centroid = Array(
          index.centroids[(partition * dimension)..<((partition + 1) * dimension)])
        if index.metric == .dot { return -QuantizerReference.innerProduct(vector, centroid) }
        return vector.withUnsafeBufferPointer { v in
          centroid.withUnsafeBufferPointer {
            QuantizerReference.squaredL2(v.baseAddress!, $0.baseAddress!, count: dimension)
          }
        }
      }
      guard let assigned = locations[UInt64(row)]?.partition else {
        wrong.append("row \(row) is in no partition")
        continue
      }
      let best = distances.min()!
      let nearTie = 1e-5 * max(abs(best), 1e-3)
      let firstBest = distances.firstIndex(of: best)!
      if distances[assigned] > best + nearTie
        || (distances[assigned] == best && assigned != firstBest)
      {
        wrong.append(
          "row \(row): partition \(assigned) at \(distances[assigned]), nearest \(firstBest) at \(best)"
        )
      }
    }
    return wrong
  }

  struct AssignmentCase: Sendable, CustomStringConvertible {
    var data: String
    var metric: DistanceMetric
    var description: String { "\(data) \(metric.rawValue)" }
  }

  @Test(
    "every row is stored in the partition of its nearest centroid",
    arguments: [
      AssignmentCase(data: "fixture", metric: .l2),
      AssignmentCase(data: "fixture", metric: .cosine),
      AssignmentCase(data: "fixture", metric: .dot), AssignmentCase(data: "random", metric: .l2),
      AssignmentCase(data: "random", metric: .dot),
    ])
  func rowsAreInTheirNearestPartition(_ testCase: AssignmentCase) throws {
    let dimension = testCase.data == "fixture" ? 384 : 16
    let rows = testCase.data == "fixture" ? 2000 : 3000
    let vectors =
      testCase.data == "fixture"
      ? Fixture.base.values : QuantizerReference.randomRows(rows, dimension: dimension, seed: 31)
    let parameters = IVFIndexParameters(
      type: .ivfFlat, metric: testCase.metric, numPartitions: 24, sampleRate: 64,
      maxIterations: 4, seed: 9)
    let index = try IVFIndexBuilder(parameters: parameters).build(
      vectors: vectors, rowIds: (0..<UInt64(rows)).map { $0 }, dimension: dimension)
    let wrong = try Self.misassignedRows(index, vectors: vectors, rowCount: rows)
    #expect(wrong.isEmpty, "\(testCase): \(wrong.count) rows misassigned, e.g. \(wrong.prefix(3))")
  }

  struct QuantizedCase: Sendable, CustomStringConvertible {
    var type: IndexType
    var metric: DistanceMetric
    var numBits: Int = 8
    var description: String { "\(type.rawValue) \(metric.rawValue) \(numBits)-bit" }
  }

  static let quantizedCases: [QuantizedCase] =
    DistanceMetric.allCases.flatMap { metric in
      [
        QuantizedCase(type: .ivfPQ, metric: metric, numBits: 8),
        QuantizedCase(type: .ivfPQ, metric: metric, numBits: 4),
        QuantizedCase(type: .ivfSQ, metric: metric),
      ]
    }

  @Test(
    "codes are the best codes of the residuals; search distances are exact for the stored vectors",
    arguments: quantizedCases)
  func quantizedRowsAndDistances(_ testCase: QuantizedCase) throws {
    // 800 fixture rows in 8 partitions keep 8-bit codebook training short in debug builds.
    let rows = 800
    let vectors = Array(Fixture.base.values.prefix(rows * Fixture.base.dimension))
    let parameters = IVFIndexParameters(
      type: testCase.type, metric: testCase.metric, numPartitions: 8, numSubVectors: 16,
      numBits: testCase.numBits, sampleRate: 64, maxIterations: 2, seed: 13)
    let index = try IVFIndexBuilder(parameters: parameters).build(
      vectors: vectors, rowIds: (0..<UInt64(rows)).map { $0 }, dimension: Fixture.base.dimension)
    let dimension = index.dimension
    var wrong = try Self.misassignedRows(index, vectors: vectors, rowCount: rows)
    let locations = try Self.locations(index)
    let partitions = try (0..<index.partitionCount).map { try index.store.partition($0) }

    // The vector the index stores for each row: centroid + decoded residual; and the codes.
    var reconstructions = [[Float]](repeating: [], count: rows)
    var residualVectors: [Float] = []
    var residualCodes: [UInt8] = []
    for row in 0..<rows {
      let (partition, position) = try #require(locations[UInt64(row)])
      let centroid = Array(index.centroids[(partition * dimension)..<((partition + 1) * dimension)])
      let vector = Self.indexedVector(
        row, metric: testCase.metric, vectors: vectors, dimension: dimension)
      let residual = zip(vector, centroid).map { $0 - $1 }
      let code = Self.rowCode(
        partitions[partition], position: position,
        fastScanSubVectors: index.partitionLayout.fastScanSubVectorCount)
      var decoded = [Float](repeating: 0, count: dimension)
      code.withUnsafeBufferPointer { c in
        decoded.withUnsafeMutableBufferPointer {
          if let quantizer = index.productQuantizer {
            quantizer.decode(c.baseAddress!, into: $0.baseAddress!)
          } else {
            index.scalarQuantizer!.decode(c.baseAddress!, into: $0.baseAddress!)
          }
        }
      }
      reconstructions[row] = zip(centroid, decoded).map { $0 + $1 }
      residualVectors += residual
      residualCodes += code
      if let quantizer = index.productQuantizer {
        residual.withUnsafeBufferPointer { r in
          code.withUnsafeBufferPointer { c in
            for subSpace in 0..<quantizer.subVectorCount {
              let distances = QuantizerReference.subSpaceDistances(
                quantizer, vector: r.baseAddress!, subSpace: subSpace)
              let chosen = quantizer.code(c.baseAddress!, subSpace: subSpace)
              if !QuantizerReference.isNearest(chosen, in: distances) {
                wrong.append("row \(row) sub-space \(subSpace): code \(chosen) is not nearest")
              }
            }
          }
        }
      }
    }
    if let quantizer = index.scalarQuantizer {
      wrong +=
        ScalarQuantizerInvariantTests.check(
          quantizer, vectors: residualVectors, codes: residualCodes, rows: rows
        ).wrong
    }

    // Distances of every row for a few queries, against the stored vectors.
    for queryIndex in 0..<3 {
      let raw = Fixture.queries.row(queryIndex)
      let query = testCase.metric == .cosine ? QuantizerReference.unit(raw) : raw
      let found = try index.search(raw, k: rows, nprobes: index.partitionCount)
      if found.count != rows { wrong.append("query \(queryIndex): \(found.count) rows found") }
      // Fast scan sums a lookup table quantised to bytes: each of the m sub-tables rounds by at
      // most half a step of range / 255, doubled for l2 (the kernel's documented bound).
      let fastScanBound = Self.fastScanErrorBound(index, query: query)
      for neighbor in found {
        let stored = reconstructions[Int(neighbor.id)]
        let squared = query.withUnsafeBufferPointer { q in
          stored.withUnsafeBufferPointer {
            QuantizerReference.squaredL2(q.baseAddress!, $0.baseAddress!, count: dimension)
          }
        }
        let exact: Double =
          switch testCase.metric {
          case .l2: squared
          case .cosine: squared / 2
          case .dot: 1 - QuantizerReference.innerProduct(query, stored)
          }
        if abs(Double(neighbor.distance) - exact) > fastScanBound + 2e-4 * max(1, abs(exact)) {
          wrong.append("query \(queryIndex) row \(neighbor.id): \(neighbor.distance) vs \(exact)")
        }
      }
    }
    #expect(wrong.isEmpty, "\(testCase): \(wrong.count) failures, e.g. \(wrong.prefix(4))")
  }

  /// The row-major code of the row at `position` of a partition: a slice of the codes, or for
  /// 4-bit fast-scan partitions the row unpacked from its block of 32.
  static func rowCode(_ partition: IVFPartition, position: Int, fastScanSubVectors: Int)
    -> [UInt8]
  {
    guard fastScanSubVectors > 0 else {
      let codeSize = partition.codes.count / partition.rowCount
      return Array(partition.codes[(position * codeSize)..<((position + 1) * codeSize)])
    }
    var code = [UInt8](repeating: 0, count: (fastScanSubVectors + 1) / 2)
    partition.codes.withUnsafeBufferPointer { blocks in
      code.withUnsafeMutableBufferPointer {
        PQ4FastScan.unpackRow(
          blocks: blocks.baseAddress!, row: position, subVectorCount: fastScanSubVectors,
          into: $0.baseAddress!)
      }
    }
    return code
  }

  /// The largest error fast-scan distances may carry for `query` (0 for other layouts): m
  /// sub-tables, each rounded to half a step of (largest sub-table range) / 255, times 2 (l2).
  static func fastScanErrorBound(_ index: IVFIndex, query: [Float]) -> Double {
    let subVectors = index.partitionLayout.fastScanSubVectorCount
    guard subVectors > 0, let quantizer = index.productQuantizer else { return 0 }
    var table = [Float](repeating: 0, count: subVectors * 16)
    query.withUnsafeBufferPointer { q in
      table.withUnsafeMutableBufferPointer {
        quantizer.lookupTable(query: q.baseAddress!, innerProduct: true, into: $0.baseAddress!)
      }
    }
    var range: Float = 0
    for sub in 0..<subVectors {
      let row = table[(sub * 16)..<((sub + 1) * 16)]
      range = max(range, row.max()! - row.min()!)
    }
    return 2 * Double(subVectors) * Double(range) / 255 * 0.5
  }
}
