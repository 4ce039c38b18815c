import QuiverIndex
import QuiverKernels
import QuiverTestSupport
import Testing

struct BadInput: Sendable, CustomStringConvertible {
  var name: String
  var parameters: IVFIndexParameters
  var rows: Int = 300
  var dimension: Int = 16
  var floats: Int? = nil
  var poison: Float? = nil
  var expected: IndexError.Code
  var description: String { name }
}

@Suite struct IVFParameterErrorTests {
  static let cases: [BadInput] = [
    BadInput(
      name: "numPartitions > rows",
      parameters: IVFIndexParameters(type: .ivfFlat, numPartitions: 301),
      expected: .invalidParameter),
    BadInput(
      name: "numPartitions = 0", parameters: IVFIndexParameters(type: .ivfSQ, numPartitions: 0),
      expected: .invalidParameter),
    BadInput(
      name: "numSubVectors does not divide the dimension",
      parameters: IVFIndexParameters(type: .ivfPQ, numPartitions: 4, numSubVectors: 5),
      expected: .invalidParameter),
    BadInput(
      name: "numSubVectors larger than the dimension",
      parameters: IVFIndexParameters(type: .ivfPQ, numPartitions: 4, numSubVectors: 32),
      expected: .invalidParameter),
    BadInput(
      name: "numBits 5",
      parameters: IVFIndexParameters(type: .ivfPQ, numPartitions: 4, numSubVectors: 4, numBits: 5),
      expected: .invalidParameter),
    BadInput(
      name: "too few rows for 8-bit PQ",
      parameters: IVFIndexParameters(
        type: .ivfPQ, numPartitions: 4, numSubVectors: 4, numBits: 8),
      rows: 200, expected: .tooFewRows),
    BadInput(
      name: "sampleRate 0",
      parameters: IVFIndexParameters(type: .ivfFlat, numPartitions: 4, sampleRate: 0),
      expected: .invalidParameter),
    BadInput(
      name: "maxIterations 0",
      parameters: IVFIndexParameters(type: .ivfFlat, numPartitions: 4, maxIterations: 0),
      expected: .invalidParameter),
    BadInput(
      name: "vectors do not match the dimension",
      parameters: IVFIndexParameters(type: .ivfFlat, numPartitions: 4), floats: 300 * 16 - 1,
      expected: .dimensionMismatch),
    BadInput(
      name: "NaN in the data", parameters: IVFIndexParameters(type: .ivfSQ, numPartitions: 4),
      poison: .nan, expected: .nonFiniteValue),
    BadInput(
      name: "infinity in the data",
      parameters: IVFIndexParameters(type: .ivfPQ, numPartitions: 4, numSubVectors: 4),
      poison: -.infinity, expected: .nonFiniteValue),
    BadInput(
      name: "HNSW type", parameters: IVFIndexParameters(type: .ivfHNSWSQ, numPartitions: 4),
      expected: .unsupportedIndexType),
    BadInput(
      name: "no rows", parameters: IVFIndexParameters(type: .ivfFlat, numPartitions: 1), rows: 0,
      expected: .tooFewRows),
  ]

  @Test(arguments: cases)
  func badInputThrowsATypedError(_ input: BadInput) {
    var generator = SeededGenerator(seed: 1)
    var vectors = generator.floats(input.floats ?? input.rows * input.dimension)
    if let poison = input.poison { vectors[vectors.count / 2] = poison }
    let rowIds = (0..<UInt64(input.rows)).map { $0 }
    #expect {
      _ = try IVFIndexBuilder(parameters: input.parameters).build(
        vectors: vectors, rowIds: rowIds, dimension: input.dimension)
    } throws: { error in
      (error as? IndexError)?.code == input.expected
    }
  }

  @Test func searchRejectsWrongMetricDimensionAndArguments() throws {
    var generator = SeededGenerator(seed: 2)
    let vectors = generator.floats(300 * 16)
    let index = try IVFIndexBuilder(
      parameters: IVFIndexParameters(type: .ivfFlat, metric: .cosine, numPartitions: 4)
    ).build(vectors: vectors, rowIds: (0..<300).map { UInt64($0) }, dimension: 16)
    let query = Array(vectors[0..<16])
    #expect(
      throws: IndexError(
        .metricMismatch, "the IVF_FLAT index was built for cosine; the search asked for l2")
    ) {
      _ = try index.search(query, k: 5, nprobes: 2, metric: .l2)
    }
    #expect(try index.search(query, k: 5, nprobes: 2, metric: .cosine).first?.id == 0)
    #expect { _ = try index.search(Array(query.dropLast()), k: 5, nprobes: 2) } throws: {
      ($0 as? IndexError)?.code == .dimensionMismatch
    }
    #expect { _ = try index.search(query, k: 5, nprobes: 0) } throws: {
      ($0 as? IndexError)?.code == .invalidArgument
    }
    #expect { _ = try index.search(query, k: -1, nprobes: 1) } throws: {
      ($0 as? IndexError)?.code == .invalidArgument
    }
    #expect(try index.search(query, k: 0, nprobes: 1).isEmpty)
  }
}
