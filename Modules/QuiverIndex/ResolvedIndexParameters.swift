import QuiverKernels

extension IVFIndexParameters {
  /// The IVF and quantizer parameters as `IndexConfig` names them (nil values left out).
  var resolvedDescription: [String: String] {
    var result = [
      "sample_rate": String(sampleRate), "max_iterations": String(maxIterations),
      "seed": String(seed),
    ]
    if let numPartitions { result["num_partitions"] = String(numPartitions) }
    if let numSubVectors {
      result["num_sub_vectors"] = String(numSubVectors)
      result["num_bits"] = String(numBits)
    }
    return result
  }
}

extension HNSWParameters {
  /// The graph parameters as `IndexConfig` names them.
  var resolvedDescription: [String: String] {
    ["m": String(m), "ef_construction": String(efConstruction), "graph_seed": String(seed)]
  }
}

extension IVFIndex {
  /// IVF and quantizer parameters with the partition and sub-vector counts the build chose.
  public var resolvedParameters: [String: String] { parameters.resolvedDescription }
}

extension IVFHNSWIndex {
  /// IVF, quantizer and graph parameters with the counts the build chose.
  public var resolvedParameters: [String: String] {
    var ivf = parameters.ivf
    ivf.numPartitions = partitionCount
    if case .product(let product) = quantizer { ivf.numSubVectors = product.subVectorCount }
    return ivf.resolvedDescription.merging(parameters.hnsw.resolvedDescription) { $1 }
  }
}

extension HNSWIndex {
  /// The graph parameters.
  public var resolvedParameters: [String: String] { parameters.resolvedDescription }
}
