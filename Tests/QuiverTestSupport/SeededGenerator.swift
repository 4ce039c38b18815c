import QuiverKernels

/// The tests' seeded generator: the package's one SplitMix64 generator, so that every
/// randomized test is reproducible from its seed.
public typealias SeededGenerator = SeededRandom

extension SeededRandom {
  /// `count` floats uniform in `range`.
  public mutating func floats(_ count: Int, in range: ClosedRange<Float> = -1...1) -> [Float] {
    (0..<count).map { _ in Float.random(in: range, using: &self) }
  }

  /// `count` bytes.
  public mutating func bytes(_ count: Int) -> [UInt8] {
    (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
  }
}
