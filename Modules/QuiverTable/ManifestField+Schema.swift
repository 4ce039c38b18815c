import QuiverFormat

extension ManifestField {
  /// The record of `field`.
  public init(_ field: Field) {
    self.init(
      name: field.name, type: field.type.name, nullable: field.nullable, metadata: field.metadata)
  }

  /// The `Field` this record describes.
  /// - Throws: `TableError.corruptManifest` if the type name is unknown.
  public func makeField() throws -> Field {
    guard let dataType = ManifestField.dataType(named: type) else {
      throw TableError(.corruptManifest, "column '\(name)' has unknown type '\(type)'")
    }
    return Field(name, dataType, nullable: nullable, metadata: metadata)
  }

  /// The data type spelled `name` as `DataType.name` spells it, or nil.
  static func dataType(named name: String) -> DataType? {
    let scalars: [DataType] = [
      .bool, .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64, .float16,
      .float32, .float64, .utf8, .binary, .timestamp, .date,
    ]
    if let scalar = scalars.first(where: { $0.name == name }) { return scalar }
    // fixed_size_list<ELEMENT>[DIMENSION]
    guard name.hasPrefix("fixed_size_list<"), name.hasSuffix("]"),
      let close = name.firstIndex(of: ">"), let open = name.firstIndex(of: "[")
    else { return nil }
    let element = name[name.index(name.startIndex, offsetBy: 16)..<close]
    let dimension = name[name.index(after: open)..<name.index(before: name.endIndex)]
    guard let elementType = VectorElementType(rawValue: String(element)),
      let size = Int(dimension), size >= 1
    else { return nil }
    return .fixedSizeList(elementType, dimension: size)
  }
}

extension Manifest {
  /// The schema of this version.
  /// - Throws: `TableError.corruptManifest` for an unknown type or duplicate column.
  public func schema() throws -> Schema {
    do {
      return try Schema(fields.map { try $0.makeField() }, metadata: schemaMetadata)
    } catch let error as FormatError {
      throw TableError(.corruptManifest, "manifest of version \(version): \(error.message)",
        underlying: error)
    }
  }
}
