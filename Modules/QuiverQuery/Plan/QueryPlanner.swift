import QuiverFormat
import QuiverKernels

/// Checks a query against a table and decides its plan: which vector column and metric, whether
/// an index is used (and why not), which fragments go through the index and which are scanned.
package enum QueryPlanner {
  /// Names the executor adds to results; a projection may not ask for them by name.
  package static let distanceColumn = "_distance"
  package static let rowIdColumn = "_rowid"

  /// Plans a vector search.
  ///
  /// - Throws: `QueryError` for bad input, before any data is read: `.dimensionMismatch`,
  ///   `.invalidVector` (NaN or infinity), `.invalidArgument` (limit < 1, offset < 0, nprobes < 1,
  ///   ef < 1, refineFactor < 1, (limit + offset) × refineFactor above
  ///   `VectorQuery.maximumCandidateCount`, a NaN or inverted distance range), `.unknownColumn` (select or
  ///   filter), `.noVectorColumn`, `.typeMismatch`, `.syntaxError` (filter).
  package static func plan(
    _ query: VectorQuery, source: any QueryDataSource, indexes: [any QueryVectorIndex]
  ) throws(QueryError) -> VectorSearchPlan {
    let schema = source.schema
    let column = try vectorColumn(query.column, schema: schema)
    let dimension = schema.field(named: column)!.type.vectorDimension!
    try validate(vector: query.vector, dimension: dimension, column: column)
    try validateNumbers(query)
    let projection = try projectionColumns(query.columns, schema: schema)
    let filter = try query.filter.map { text throws(QueryError) in try Filter(text, schema: schema) }

    // Metric: the one asked for; otherwise the metric of the column's index when there is
    // exactly one (so adding a second index never changes what an unqualified search means);
    // otherwise l2. Index choice: never an index with a metric other than the search's.
    let candidates = indexes.filter { $0.column == column }
    let metric: DistanceMetric
    let metricDecision: String
    if let requested = query.metric {
      metric = requested
      metricDecision = "\(requested.rawValue) (requested)"
    } else if candidates.count == 1 {
      metric = candidates[0].metric
      metricDecision =
        "\(metric.rawValue) (of the only index on '\(column)', '\(candidates[0].name)')"
    } else if candidates.isEmpty {
      metric = .l2
      metricDecision = "l2 (the default; no index on '\(column)')"
    } else {
      metric = .l2
      metricDecision =
        "l2 (the default: \(candidates.count) indexes on '\(column)'; choose one with metric())"
    }
    var index: (any QueryVectorIndex)? = nil
    var decision: String
    if query.bypassVectorIndex {
      decision = candidates.isEmpty
        ? "none on '\(column)'; exact scan"
        : "bypassed (bypassVectorIndex); exact scan"
    } else if candidates.isEmpty {
      decision = "none on '\(column)'; exact scan"
    } else if let match = candidates.first(where: { $0.metric == metric }) {
      index = match
      decision = "'\(match.name)' (\(match.typeName), \(match.metric.rawValue))"
    } else {
      let trained = candidates.map { "'\($0.name)' is \($0.metric.rawValue)" }
        .joined(separator: ", ")
      let search =
        query.metric == nil
        ? "the default metric l2 is used" : "metric \(metric.rawValue) was requested"
      decision = "not used: \(search) but \(trained); exact scan"
    }

    var indexed: [QueryFragment] = []
    var scanned: [QueryFragment] = []
    var skipped: [QueryFragment] = []
    for fragment in source.fragments where fragment.liveRowCount > 0 {
      if let index, index.fragmentIds.contains(fragment.id) {
        indexed.append(fragment)
      } else if index != nil && query.fastSearch {
        skipped.append(fragment)
      } else {
        scanned.append(fragment)
      }
    }
    if index != nil && indexed.isEmpty { decision += "; it covers none of the current fragments" }
    // validateNumbers bounded limit + offset and its product with refineFactor.
    let wanted = query.limit + query.offset
    // Approximate index distances merged with an exact scan of uncovered fragments would not
    // compare like with like: such candidates are re-ranked exactly (refine factor 1 at least).
    let mergesWithExactScan =
      index.map { !$0.returnsExactDistances } == true && !indexed.isEmpty && !scanned.isEmpty
    let refines = index != nil && (query.refineFactor != nil || mergesWithExactScan)
    let product = wanted * (query.refineFactor ?? 1)
    return VectorSearchPlan(
      column: column, dimension: dimension, metric: metric, metricDecision: metricDecision,
      query: query, filter: filter,
      index: index, indexDecision: decision, indexedFragments: indexed, scannedFragments: scanned,
      skippedFragments: skipped, candidateCount: refines ? product : wanted, refines: refines,
      projection: projection, filterColumns: filter?.columnNames ?? [])
  }

  /// The vector column to search: the named one, or the schema's only vector column.
  package static func vectorColumn(_ name: String?, schema: Schema) throws(QueryError) -> String {
    if let name {
      guard let field = schema.field(named: name) else {
        throw QueryError(
          .unknownColumn,
          "vector column '\(name)' is not in the table (columns: \(schema.names.joined(separator: ", ")))")
      }
      guard field.type.isVector else {
        throw QueryError(.typeMismatch, "column '\(name)' is \(field.type), not a vector column")
      }
      return name
    }
    let vectors = schema.fields.filter { $0.type.isVector }.map(\.name)
    guard vectors.count == 1 else {
      if vectors.isEmpty {
        throw QueryError(.noVectorColumn, "the table has no vector column to search")
      }
      throw QueryError(
        .noVectorColumn,
        "the table has several vector columns (\(vectors.joined(separator: ", "))); name one with column(_:)")
    }
    return vectors[0]
  }

  /// Checks a query vector's dimension and values.
  package static func validate(vector: [Float], dimension: Int, column: String) throws(QueryError) {
    guard vector.count == dimension else {
      throw QueryError(
        .dimensionMismatch,
        "the query vector has \(vector.count) dimensions but column '\(column)' has \(dimension)")
    }
    if let bad = vector.firstIndex(where: { !$0.isFinite }) {
      throw QueryError(
        .invalidVector, "the query vector holds \(vector[bad]) at index \(bad); values must be finite")
    }
  }

  static func validateNumbers(_ query: VectorQuery) throws(QueryError) {
    guard query.limit >= 1 else {
      throw QueryError(.invalidArgument, "limit must be at least 1, got \(query.limit)")
    }
    guard query.offset >= 0 else {
      throw QueryError(.invalidArgument, "offset must not be negative, got \(query.offset)")
    }
    guard query.nprobes >= 1 else {
      throw QueryError(.invalidArgument, "nprobes must be at least 1, got \(query.nprobes)")
    }
    if let ef = query.ef, ef < 1 {
      throw QueryError(.invalidArgument, "ef must be at least 1, got \(ef)")
    }
    if let factor = query.refineFactor, factor < 1 {
      throw QueryError(.invalidArgument, "refineFactor must be at least 1, got \(factor)")
    }
    try validateCandidateCount(query)
    if let lower = query.distanceLowerBound, lower.isNaN {
      throw QueryError(.invalidArgument, "the distance range's lower bound is NaN")
    }
    if let upper = query.distanceUpperBound, upper.isNaN {
      throw QueryError(.invalidArgument, "the distance range's upper bound is NaN")
    }
    if let lower = query.distanceLowerBound, let upper = query.distanceUpperBound, lower > upper {
      throw QueryError(
        .invalidArgument, "the distance range's lower bound \(lower) is above its upper bound \(upper)")
    }
  }

  /// Checks that `limit + offset` and its product with `refineFactor` stay within
  /// `VectorQuery.maximumCandidateCount`, so no count or allocation derived from them overflows.
  static func validateCandidateCount(_ query: VectorQuery) throws(QueryError) {
    let maximum = VectorQuery.maximumCandidateCount
    guard query.limit <= maximum else {
      throw QueryError(
        .invalidArgument,
        "limit \(query.limit) is above the maximum of \(maximum) rows a search returns")
    }
    guard query.offset <= maximum - query.limit else {
      throw QueryError(
        .invalidArgument,
        "limit \(query.limit) + offset \(query.offset) is above the maximum of \(maximum) rows")
    }
    let wanted = query.limit + query.offset
    if let factor = query.refineFactor {
      let (product, overflow) = wanted.multipliedReportingOverflow(by: factor)
      guard !overflow, product <= maximum else {
        throw QueryError(
          .invalidArgument,
          "(limit + offset) × refineFactor = \(wanted) × \(factor) is above the maximum of "
            + "\(maximum) candidates")
      }
    }
  }

  /// The columns to return: all by default; `_distance` / `_rowid` are dropped (they are added
  /// by the executor).
  package static func projectionColumns(_ columns: [String]?, schema: Schema) throws(QueryError)
    -> [String]
  {
    guard let columns else { return schema.names }
    var result: [String] = []
    for name in columns where name != distanceColumn && name != rowIdColumn {
      guard schema.field(named: name) != nil else {
        throw QueryError(
          .unknownColumn,
          "select: unknown column '\(name)' (columns: \(schema.names.joined(separator: ", ")))")
      }
      if !result.contains(name) { result.append(name) }
    }
    return result
  }
}
