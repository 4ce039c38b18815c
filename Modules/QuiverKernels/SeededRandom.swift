/// SplitMix64: the one seeded generator of the package — every random choice of index training
/// (so a build is reproducible from its `seed`), HNSW levels, benchmark and demo data, and the
/// tests' random inputs.
public struct SeededRandom: RandomNumberGenerator, Sendable {
  private var state: UInt64

  /// Creates a generator; equal seeds give equal sequences.
  public init(seed: UInt64) { state = seed }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A uniform double in [0, 1).
  package mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }

  /// `count` distinct indices from `0..<population`, in the order drawn (a partial
  /// Fisher-Yates shuffle); all of them, shuffled, when `count >= population`.
  ///
  /// - Complexity: O(population) memory, O(count) swaps.
  package mutating func sample(_ count: Int, from population: Int) -> [Int] {
    var indices = Array(0..<population)
    let kept = min(count, population)
    for i in 0..<kept {
      let j = i + Int(next() % UInt64(population - i))
      indices.swapAt(i, j)
    }
    return Array(indices[0..<kept])
  }
}
