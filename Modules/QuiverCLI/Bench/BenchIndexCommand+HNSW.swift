import ArgumentParser
import Foundation
import Quiver
import QuiverExchange
import QuiverIndex
import QuiverKernels

extension BenchIndexCommand {
  /// Builds an HNSW, IVF_HNSW_SQ or IVF_HNSW_PQ index for the benchmark (issue 6).
  func makeHNSWIndex(
    _ indexType: IndexType, _ distanceMetric: DistanceMetric, _ base: VectorMatrix<Float>
  ) throws -> any BenchableIndex {
    let options = indexParameters
    let graph = HNSWParameters(
      m: options.neighbors ?? HNSWParameters.defaultM,
      efConstruction: options.efConstruction ?? HNSWParameters.defaultEfConstruction,
      seed: options.seed, threadCount: buildThreads)
    if indexType == .hnsw {
      return try HNSWIndex.build(
        vectors: base.values, dimension: base.dimension, metric: distanceMetric,
        parameters: graph)
    }
    let ivf = IVFHNSWParameters(
      type: indexType, metric: distanceMetric, numPartitions: options.numPartitions,
      numSubVectors: options.numSubVectors, numBits: options.numBits ?? indexType.defaultNumBits,
      sampleRate: options.sampleRate, maxIterations: options.maxIterations, seed: options.seed,
      hnsw: graph)
    return try IVFHNSWIndex.build(vectors: base.values, dimension: base.dimension, parameters: ivf)
  }
}

extension HNSWIndex: BenchableIndex {
  var describe: String {
    "HNSW m \(parameters.m), efConstruction \(parameters.efConstruction), top level "
      + "\(graph.maxLevel), kernels \(KernelISA.active.rawValue)"
  }
}

extension IVFHNSWIndex: BenchableIndex {
  var describe: String {
    "\(partitionCount) partitions, m \(parameters.hnsw.m), efConstruction "
      + "\(parameters.hnsw.efConstruction), kernels \(KernelISA.active.rawValue)"
  }
}
