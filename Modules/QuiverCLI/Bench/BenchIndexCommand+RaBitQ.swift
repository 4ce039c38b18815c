import QuiverIndex

extension IVFRQIndex: BenchableIndex {
  var describe: String {
    statistics.benchDescription(
      quantizer: "RaBitQ \(numBits) bits per dimension (\(statistics.bytesPerRow) bytes per row)")
  }
}
