/// Which graph nodes a filtered walk may return. The walk still traverses nodes that are not
/// allowed (they keep the graph connected), it only leaves them out of the results.
package protocol HNSWNodeFilter {
  /// Whether `node` may be returned.
  func allows(_ node: Int) -> Bool
  /// Whether every node is allowed; lets the walk use the unfiltered stopping rule.
  var allowsAll: Bool { get }
}

/// The filter that allows every node (an unfiltered search).
package struct HNSWAllowAllNodes: HNSWNodeFilter {
  /// Creates the filter.
  package init() {}
  @inline(__always) package func allows(_ node: Int) -> Bool { true }
  @inline(__always) package var allowsAll: Bool { true }
}

/// Allows the nodes set in a bitset over node ids (bit `i % 64` of word `i / 64`).
package struct HNSWNodeBitsetFilter: HNSWNodeFilter {
  let words: UnsafeBufferPointer<UInt64>

  /// Reads bits from `words`, which must outlive the value and cover every node.
  package init(words: UnsafeBufferPointer<UInt64>) { self.words = words }

  @inline(__always)
  package func allows(_ node: Int) -> Bool { words[node >> 6] & (1 << UInt64(node & 63)) != 0 }
  package var allowsAll: Bool { false }
}
