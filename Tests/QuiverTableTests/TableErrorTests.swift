import QuiverTable
import Testing

@Test func errorDescriptionNamesCodeAndMessage() {
  let error = TableError(.invalidArgument, "column 'x' is unknown")
  #expect(error.description == "invalidArgument: column 'x' is unknown")
}
