/// One partition of an IVF_HNSW index: its rows, their quantized codes (of the residual to the
/// partition centroid) and the graph over them. Immutable once built or loaded.
final class IVFHNSWPartition: Sendable {
  let graph: HNSWGraph
  let rows: HNSWRowMap
  /// `rows.count × codeSize` bytes, node order.
  let codes: [UInt8]

  init(graph: HNSWGraph, rows: HNSWRowMap, codes: [UInt8]) {
    self.graph = graph
    self.rows = rows
    self.codes = codes
  }

  var count: Int { rows.rowIds.count }

  var byteCount: Int { graph.byteCount + codes.count + rows.rowIds.count * 8 }
}
