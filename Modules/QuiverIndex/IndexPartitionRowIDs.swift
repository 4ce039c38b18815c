/// The row ids each index type holds, partition by partition, for `quiver inspect --verify`,
/// which checks them against the fragments a table version gives the index. Reading a
/// partition verifies it as a search would.
extension IVFIndex {
  /// The row ids of partition `partition` (read and checksum-verified if not cached).
  /// - Throws: `IndexError.corruptFile` when the partition cannot be read.
  package func rowIDs(inPartition partition: Int) throws(IndexError) -> [UInt64] {
    try store.partition(partition).rowIds
  }
}

extension HNSWIndex {
  /// The row ids of the graph's nodes.
  package var rowIDs: [UInt64] { rows.rowIds }
}

extension IVFHNSWIndex {
  /// The row ids of partition `partition` (read and checksum-verified if not cached).
  /// - Throws: `IndexError.corruptFile` when the partition cannot be read.
  package func rowIDs(inPartition partition: Int) throws(IndexError) -> [UInt64] {
    try partitions.partition(partition).rows.rowIds
  }
}

extension IVFRQIndex {
  /// The row ids of partition `partition` (read and checksum-verified if not cached).
  /// - Throws: `IndexError.corruptFile` when the partition cannot be read.
  package func rowIDs(inPartition partition: Int) throws(IndexError) -> [UInt64] {
    try partitions.partition(partition).rowIds
  }
}
