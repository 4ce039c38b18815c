// The user's entry point: importing Quiver brings every layer's public API.
@_exported import QuiverFormat
@_exported import QuiverIndex
@_exported import QuiverKernels
@_exported import QuiverQuery
@_exported import QuiverTable
