import QuiverKernels
import QuiverStorage

extension IVFIndex {
  /// Scans the probed partitions of a 4-bit IVF_PQ index with the fast-scan kernel and returns
  /// the `k` nearest rows by approximate distance, nearest first.
  ///
  /// The inner-product lookup table (`−q·r̂` per sub-vector entry) is quantised to bytes once per
  /// query; a row's byte sum maps back to `−q·r̂ ≈ bias + scale × sum`, and the distance is
  /// assembled as in the 8-bit scan (`IVFIndex+Search.swift`). Per partition, the kernel's sums
  /// go through `PQ4FastScan.select` against the current k-th distance, so only rows that can
  /// still enter the result reach the (reservoir) top-k. With a filter, rows it excludes are
  /// masked inside the kernel, which skips blocks with no allowed row.
  ///
  /// - Parameters:
  ///   - query: the prepared query, `dimension` floats.
  /// - Throws: `IndexError.corruptFile` / `.ioFailure` when a partition cannot be read.
  func fastScanProbes(
    query: UnsafePointer<Float>, probes: [(partition: Int, distance: Float)], k: Int,
    filter: RowIDFilter?
  ) throws(IndexError) -> [Neighbor] {
    guard let quantizer = productQuantizer else { return [] }
    let subVectorCount = quantizer.subVectorCount
    var table = [UInt8](
      repeating: 0, count: PQ4FastScan.lookupTableByteCount(subVectorCount: subVectorCount))
    let mapping = withUnsafeTemporaryAllocation(of: Float.self, capacity: subVectorCount * 16) {
      lookupTable in
      quantizer.lookupTable(query: query, innerProduct: true, into: lookupTable.baseAddress!)
      return table.withUnsafeMutableBufferPointer { bytes in
        PQ4FastScan.quantize(
          lookupTable: lookupTable.baseAddress!, subVectorCount: subVectorCount,
          into: bytes.baseAddress!)
      }
    }
    var largest = 1
    for probe in probes { largest = max(largest, statistics.partitionSizes[probe.partition]) }
    var sums = [UInt16](repeating: 0, count: largest)
    var selectedRows = [UInt32](repeating: 0, count: largest)
    var selectedDistances = [Float](repeating: 0, count: largest)
    var masks = [UInt32](repeating: 0, count: filter == nil ? 0 : PQ4FastScan.blockCount(rowCount: largest))
    let withRowTerms = metric != .dot
    // 2·(bias + scale·sum) for l2 and cosine (‖q − c − r̂‖² = ‖q − c‖² − 2 q·r̂ + rowTerm);
    // bias + scale·sum for dot (1 − q·x = (1 − q·c) − q·r̂).
    let factor: Float = withRowTerms ? 2 : 1
    let scale = factor * mapping.scale
    let bias = factor * mapping.bias
    var top = NeighborReservoir(k: k)
    try table.withUnsafeBufferPointer { (table) throws(IndexError) in
      try sums.withUnsafeMutableBufferPointer { (sums) throws(IndexError) in
        try masks.withUnsafeMutableBufferPointer { (masks) throws(IndexError) in
          try selectedRows.withUnsafeMutableBufferPointer { (selectedRows) throws(IndexError) in
            try selectedDistances.withUnsafeMutableBufferPointer {
              (selectedDistances) throws(IndexError) in
              let sums = sums.baseAddress!
              for probe in probes {
                let partition = try store.partition(probe.partition)
                let rows = partition.rowCount
                guard rows > 0 else { continue }
                var blockMasks: UnsafePointer<UInt32>? = nil
                if let filter {
                  guard
                    Self.fillBlockMasks(partition.rowIds, filter: filter, into: masks.baseAddress!)
                  else { continue }
                  blockMasks = UnsafePointer(masks.baseAddress!)
                }
                partition.codes.withUnsafeBufferPointer { codes in
                  PQ4FastScan.scan(
                    table: table.baseAddress!, blocks: codes.baseAddress!, rowCount: rows,
                    subVectorCount: subVectorCount, blockMasks: blockMasks, into: sums)
                }
                let selected = partition.rowTerms.withUnsafeBufferPointer { terms in
                  PQ4FastScan.select(
                    sums: sums, terms: withRowTerms ? terms.baseAddress : nil, rowCount: rows,
                    base: probe.distance + bias, scale: scale, threshold: top.threshold,
                    skipFiltered: blockMasks != nil, rows: selectedRows.baseAddress!,
                    distances: selectedDistances.baseAddress!)
                }
                partition.rowIds.withUnsafeBufferPointer { ids in
                  top.insert(
                    rows: selectedRows.baseAddress!, distances: selectedDistances.baseAddress!,
                    offers: selected, ids: ids.baseAddress!)
                }
              }
            }
          }
        }
      }
    }
    return top.sorted()
  }

  /// One word per 32 rows, bit set when `filter` allows the row; returns false when it allows
  /// none of them.
  private static func fillBlockMasks(
    _ rowIds: [UInt64], filter: RowIDFilter, into masks: UnsafeMutablePointer<UInt32>
  ) -> Bool {
    var any: UInt32 = 0
    rowIds.withUnsafeBufferPointer { ids in
      let blocks = PQ4FastScan.blockCount(rowCount: ids.count)
      for block in 0..<blocks {
        var mask: UInt32 = 0
        let first = block * PQ4FastScan.blockRows
        for row in first..<min(first + PQ4FastScan.blockRows, ids.count)
        where filter.contains(ids[row]) {
          mask |= 1 << UInt32(row - first)
        }
        masks[block] = mask
        any |= mask
      }
    }
    return any != 0
  }
}
