import QuiverFormat
import QuiverIndex
import QuiverKernels
import QuiverStorage

/// The plan of a vector search, decided before any vector is read.
///
/// Stages, in order: for the fragments an index covers, probe (or walk) the index for
/// `candidateCount` candidates, with deleted rows excluded and a prefilter applied inside the
/// scan (probes widen when it leaves too few; a very selective prefilter scans the allowed rows
/// exactly instead), or a postfilter applied after; refine with exact distances read by row id;
/// union with an exact scan of the fragments the index does not cover; distance range; offset
/// and limit; projection.
public struct VectorSearchPlan: Sendable, CustomStringConvertible {
  /// The vector column searched.
  public let column: String
  /// The query vector's dimension.
  public let dimension: Int
  /// The metric distances are computed in.
  public let metric: DistanceMetric
  /// The metric and why it was chosen (for `explain`).
  public let metricDecision: String
  /// The query as given.
  public let query: VectorQuery
  /// The checked filter, if any.
  public let filter: Filter?
  /// The index used, if any.
  package let index: (any QueryVectorIndex)?
  /// Why the index was or was not used (for `explain`).
  public let indexDecision: String
  /// Fragments searched through the index.
  package let indexedFragments: [QueryFragment]
  /// Fragments scanned exactly.
  package let scannedFragments: [QueryFragment]
  /// Fragments skipped because of `fastSearch`.
  package let skippedFragments: [QueryFragment]
  /// Candidates asked of the index: `(limit + offset) × refineFactor` when refining.
  public let candidateCount: Int
  /// Whether candidates are re-ranked by exact distance: with a refine factor, or when
  /// approximate index candidates are merged with an exact scan.
  public let refines: Bool
  /// The output columns, before `_distance` / `_rowid`.
  public let projection: [String]
  /// The columns the filter reads.
  public let filterColumns: [String]
  /// Problems the search works around (an index that could not be opened and was skipped),
  /// shown by `explain()`.
  public package(set) var warnings: [String] = []

  /// `limit + offset`.
  public var wanted: Int { query.limit + query.offset }

  /// Whether `_distance` can be approximate (an index over quantized codes without refine).
  public var distancesAreApproximate: Bool {
    guard let index, !indexedFragments.isEmpty else { return false }
    return !index.returnsExactDistances && !refines
  }

  /// The plan as an indented tree, outermost stage first.
  public var description: String {
    var lines: [String] = []
    let outputs = projection + ["_distance"] + (query.withRowId ? ["_rowid"] : [])
    lines.append("Project [\(outputs.joined(separator: ", "))]")
    lines.append("  Limit offset=\(query.offset) limit=\(query.limit)")
    var indent = "    "
    if query.distanceLowerBound != nil || query.distanceUpperBound != nil {
      let lower = query.distanceLowerBound.map { "\($0) <= " } ?? ""
      let upper = query.distanceUpperBound.map { " < \($0)" } ?? ""
      lines.append("\(indent)DistanceRange \(lower)_distance\(upper)")
      indent += "  "
    }
    lines.append("\(indent)Merge top \(wanted) by _distance (\(metric.rawValue))")
    let inner = indent + "  "
    if let index, !indexedFragments.isEmpty {
      var top = inner
      if refines {
        lines.append(
          "\(top)Refine exact \(metric.rawValue) distances of \(candidateCount) candidates "
            + "(refine_factor \(query.refineFactor ?? 1)) read by row id")
        top += "  "
      }
      if let filter, !query.prefilter {
        lines.append("\(top)PostFilter \(filter)")
        top += "  "
      }
      var search = "\(top)ANN \(index.typeName) index '\(index.name)' on \(column) (metric \(index.metric.rawValue))"
      if index.partitionCount > 1 {
        search += ", nprobes \(min(query.nprobes, index.partitionCount)) of \(index.partitionCount) partitions"
      }
      if index.usesGraph { search += ", ef \(query.ef.map(String.init) ?? "default")" }
      search += ", k \(candidateCount)"
      search += ", fragments \(fragmentList(indexedFragments))"
      lines.append(search)
      let deleted = indexedFragments.reduce(0) { $0 + ($1.deletedRows?.count ?? 0) }
      if deleted > 0 { lines.append("\(top)  DeletedRows excluded inside the scan (\(deleted) rows)") }
      if let filter, query.prefilter {
        lines.append(
          "\(top)  PreFilter \(filter) inside the scan (probes widen if too few pass; "
            + "exact scan of the allowed rows when they are few)")
      }
      if !index.returnsExactDistances && !refines {
        lines.append("\(top)  note: _distance is approximate (quantized codes, no refine)")
      }
    }
    if !scannedFragments.isEmpty {
      var scan = "\(inner)ExactScan \(column) (\(metric.rawValue)) fragments \(fragmentList(scannedFragments))"
      if index != nil && !indexedFragments.isEmpty { scan += " not covered by the index" }
      lines.append(scan)
      if let filter { lines.append("\(inner)  Filter \(filter) during the scan") }
    }
    if !skippedFragments.isEmpty {
      lines.append(
        "\(inner)Skipped fragments \(fragmentList(skippedFragments)) (fastSearch: not covered by the index)")
    }
    lines.append("Metric: \(metricDecision)")
    lines.append("Index: \(indexDecision)")
    lines += warnings.map { "Warning: \($0)" }
    return lines.joined(separator: "\n")
  }

  private func fragmentList(_ fragments: [QueryFragment]) -> String {
    let ids = fragments.map { String($0.id) }
    let rows = fragments.reduce(0) { $0 + $1.liveRowCount }
    let shown = ids.count > 12 ? ids.prefix(12).joined(separator: ",") + ",…" : ids.joined(separator: ",")
    return "[\(shown)] (\(rows) rows)"
  }
}
