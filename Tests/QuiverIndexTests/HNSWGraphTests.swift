import QuiverIndex
import QuiverKernels
import QuiverTestSupport
import Testing

@Suite("HNSW graph")
struct HNSWGraphTests {
  static let parameters = HNSWParameters(m: 12, efConstruction: 64, seed: 7)

  @Test("every node is reachable from the entry point on layer 0; lists are well formed")
  func structure() throws {
    let index = try HNSWIndex.build(
      vectors: HNSWTestData.base.values, dimension: 384, metric: .l2,
      parameters: Self.parameters)
    let graph = index.graph
    #expect(graph.nodeCount == 2000)
    var seen = [Bool](repeating: false, count: graph.nodeCount)
    var stack = [graph.entryPoint]
    seen[graph.entryPoint] = true
    while let node = stack.popLast() {
      for neighbor in graph.neighbors(of: node, layer: 0) where !seen[neighbor] {
        seen[neighbor] = true
        stack.append(neighbor)
      }
    }
    #expect(seen.allSatisfy { $0 }, "unreachable nodes: \(seen.filter { !$0 }.count)")
    #expect(graph.level(of: graph.entryPoint) == graph.maxLevel)
    var upperNodes = 0
    for node in 0..<graph.nodeCount {
      let level = graph.level(of: node)
      if level > 0 { upperNodes += 1 }
      for layer in 0...level {
        let neighbors = graph.neighbors(of: node, layer: layer)
        #expect(neighbors.count <= (layer == 0 ? 2 * graph.m : graph.m))
        #expect(!neighbors.contains(node))
        #expect(Set(neighbors).count == neighbors.count)
        #expect(neighbors.allSatisfy { graph.level(of: $0) >= layer })
      }
      #expect(graph.neighbors(of: node, layer: 0).count >= 1)
    }
    // About n / m nodes are above layer 0 (geometric levels with multiplier 1 / ln m).
    #expect(upperNodes > 2000 / 12 / 2 && upperNodes < 2000 / 12 * 2)
  }

  @Test("one thread and a seed give the same graph; another seed does not")
  func determinism() throws {
    var single = Self.parameters
    single.threadCount = 1
    let vectors = Array(HNSWTestData.base.values.prefix(600 * 384))
    let first = try HNSWIndex.build(vectors: vectors, dimension: 384, metric: .l2, parameters: single)
    let second = try HNSWIndex.build(
      vectors: vectors, dimension: 384, metric: .l2, parameters: single)
    single.seed = 8
    let third = try HNSWIndex.build(vectors: vectors, dimension: 384, metric: .l2, parameters: single)
    func lists(_ graph: HNSWGraph) -> [[Int]] {
      (0..<graph.nodeCount).flatMap { node in
        (0...graph.level(of: node)).map { graph.neighbors(of: node, layer: $0) }
      }
    }
    #expect(first.graph.entryPoint == second.graph.entryPoint)
    #expect(lists(first.graph) == lists(second.graph))
    #expect(lists(first.graph) != lists(third.graph))
  }

  @Test(
    "bad parameters are typed errors",
    arguments: [
      HNSWParameters(m: 1), HNSWParameters(m: 0), HNSWParameters(m: 257),
      HNSWParameters(m: 16, efConstruction: 15), HNSWParameters(threadCount: 0),
    ])
  func badParameters(parameters: HNSWParameters) {
    #expect(throws: IndexError.self) {
      _ = try HNSWIndex.build(
        vectors: [Float](repeating: 1, count: 40), dimension: 4, metric: .l2,
        parameters: parameters)
    }
    do {
      try parameters.validate()
      Issue.record("validate() accepted \(parameters)")
    } catch {
      #expect(error.code == .invalidParameter)
      #expect(error.message.contains("m") || error.message.contains("thread"))
    }
  }

  @Test("bad vectors and queries are typed errors")
  func badInput() throws {
    #expect(throws: IndexError.self) {
      _ = try HNSWIndex.build(vectors: [1, 2, 3], dimension: 2, metric: .l2)
    }
    #expect(throws: IndexError(.nonFiniteValue, "vector 0 has a non-finite value at dimension 1")) {
      _ = try HNSWIndex.build(vectors: [1, .nan, 3, 4], dimension: 2, metric: .l2)
    }
    #expect(throws: IndexError.self) {
      _ = try HNSWIndex.build(vectors: [1, 2, 3, 4], dimension: 2, rowIds: [1], metric: .l2)
    }
    #expect(throws: IndexError.self) {
      _ = try HNSWIndex.build(vectors: [], dimension: 0, metric: .l2)
    }
    let index = try HNSWIndex.build(vectors: [1, 2, 3, 4, 5, 6], dimension: 2, metric: .l2)
    #expect { _ = try index.search([1, 2, 3], k: 1) } throws: {
      ($0 as? IndexError)?.code == .dimensionMismatch
    }
    #expect(throws: IndexError.self) { _ = try index.search([1, 2], k: 0) }
    #expect(throws: IndexError.self) { _ = try index.search([1, 2], k: 1, ef: 0) }
  }

  @Test("tiny graphs: empty, one node, fewer nodes than k")
  func tiny() throws {
    let empty = try HNSWIndex.build(vectors: [], dimension: 3, metric: .l2)
    #expect(try empty.search([1, 2, 3], k: 5).isEmpty)
    let one = try HNSWIndex.build(vectors: [1, 2, 3], dimension: 3, rowIds: [77], metric: .l2)
    #expect(try one.search([1, 2, 4], k: 5) == [Neighbor(id: 77, distance: 1)])
    let three = try HNSWIndex.build(
      vectors: [0, 0, 1, 0, 5, 0], dimension: 2, rowIds: [10, 20, 30], metric: .l2)
    #expect(try three.search([4, 0], k: 5).map(\.id) == [30, 20, 10])
  }
}
