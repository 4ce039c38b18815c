import QuiverIndex
import QuiverKernels

extension IVFRQIndex: BenchableIndex {
  func benchSearch(_ query: [Float], k: Int, nprobes: Int, ef: Int?) throws -> [Neighbor] {
    try search(query, k: k, nprobes: nprobes)
  }

  var describe: String {
    let sizes = statistics.partitionSizes
    return "\(partitionCount) partitions (rows min \(sizes.min() ?? 0), max \(sizes.max() ?? 0)), "
      + "RaBitQ \(numBits) bits per dimension (\(statistics.bytesPerRow) bytes per row), "
      + "k-means \(statistics.ivfIterations) iterations on \(statistics.ivfTrainingRows) rows, "
      + "kernels \(KernelISA.active.rawValue)"
  }
}
