import QuiverIndex

/// Levels and degrees of an HNSW graph, for `quiver inspect`: how many nodes reach each level,
/// and the neighbour counts on layer 0 and on the upper layers.
struct HNSWGraphSummary {
  var nodes: Int
  var m: Int
  var maxLevel: Int
  var entryPoint: Int
  /// Nodes whose top level is `index`.
  var nodesPerLevel: [Int]
  var layer0Degrees: SizeHistogram?
  var upperDegrees: SizeHistogram?

  init(_ graph: HNSWGraph) {
    nodes = graph.nodeCount
    m = graph.m
    maxLevel = graph.maxLevel
    entryPoint = graph.entryPoint
    var perLevel = [Int](repeating: 0, count: graph.maxLevel + 1)
    var layer0: [Int] = []
    var upper: [Int] = []
    layer0.reserveCapacity(graph.nodeCount)
    for node in 0..<graph.nodeCount {
      let level = graph.level(of: node)
      if level < perLevel.count { perLevel[level] += 1 }
      layer0.append(graph.neighbors(of: node, layer: 0).count)
      if level >= 1 {
        for layer in 1...level { upper.append(graph.neighbors(of: node, layer: layer).count) }
      }
    }
    nodesPerLevel = perLevel
    layer0Degrees = SizeHistogram(layer0)
    upperDegrees = SizeHistogram(upper)
  }

  func textLines() -> [String] {
    var lines = [
      "graph: \(nodes) nodes, m \(m), top level \(maxLevel), entry point \(entryPoint); nodes per top level: "
        + nodesPerLevel.enumerated().map { "\($0.offset): \($0.element)" }.joined(separator: ", ")
    ]
    if let layer0Degrees {
      lines.append("neighbours on layer 0:")
      lines += layer0Degrees.textLines(unit: "nodes").map { "  " + $0 }
    }
    if let upperDegrees {
      lines.append("neighbours on upper layers:")
      lines += upperDegrees.textLines(unit: "node-layers").map { "  " + $0 }
    }
    return lines
  }

  func json() -> JSONValue {
    .object([
      ("nodes", .int(nodes)), ("m", .int(m)), ("max_level", .int(maxLevel)),
      ("entry_point", .int(entryPoint)),
      ("nodes_per_level", .array(nodesPerLevel.map { .int($0) })),
      ("layer0_degree", layer0Degrees?.json() ?? .null),
      ("upper_degree", upperDegrees?.json() ?? .null),
    ])
  }
}
