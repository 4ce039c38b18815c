import QuiverQuery
import Testing

@Test func errorDescriptionNamesCodeAndMessage() {
  let error = QueryError(.invalidArgument, "column 'x' is unknown")
  #expect(error.description == "invalidArgument: column 'x' is unknown")
}
