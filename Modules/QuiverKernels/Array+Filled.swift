extension Array where Element == Float {
  /// `count` floats written by `fill` straight into the new array's storage (the safe kernel
  /// wrappers' results); `fill` is not called when `count` is 0.
  init(count: Int, filledBy fill: (UnsafeMutablePointer<Float>) -> Void) {
    self.init(unsafeUninitializedCapacity: count) { out, initialized in
      if count > 0 { fill(out.baseAddress!) }
      initialized = count
    }
  }
}
