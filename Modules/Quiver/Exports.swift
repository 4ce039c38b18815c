// The user's front door: `import Quiver` brings the data model, the metrics, the index
// configuration and the errors — what a program that stores and searches vectors names — and
// none of the layers' machinery (manifests, pages, checksums, scratch buffers, file readers).
// A program that needs a layer itself imports that module (each is its own product).
// ExportsTests pins this list.

// What every module's error shares (`code`, `message`, `underlying`, source location).
@_exported import protocol QuiverStorage.ModuleError
@_exported import struct QuiverStorage.CodedError

// Metrics and kernel errors.
@_exported import enum QuiverKernels.DistanceMetric
@_exported import struct QuiverKernels.KernelError

// The in-memory data model.
@_exported import struct QuiverFormat.RecordBatch
@_exported import struct QuiverFormat.Schema
@_exported import struct QuiverFormat.Field
@_exported import enum QuiverFormat.DataType
@_exported import enum QuiverFormat.VectorElementType
@_exported import struct QuiverFormat.Column
@_exported import enum QuiverFormat.ColumnValue
@_exported import struct QuiverFormat.ValidityBitmap
@_exported import protocol QuiverFormat.ColumnConvertible
@_exported import protocol QuiverFormat.ColumnArrayElement
@_exported import protocol QuiverFormat.FixedWidthColumnElement
@_exported import protocol QuiverFormat.VectorRowElement
@_exported import typealias QuiverFormat.FormatError
@_exported import enum QuiverFormat.FormatErrorCode

// Tables: versions, index entries, creation modes, errors.
@_exported import enum QuiverTable.CreateMode
@_exported import struct QuiverTable.VersionInfo
@_exported import struct QuiverTable.IndexEntry
@_exported import typealias QuiverTable.TableError
@_exported import enum QuiverTable.TableErrorCode
@_exported import struct QuiverTable.CompactionOptions
@_exported import struct QuiverTable.CompactionResult
@_exported import struct QuiverTable.CleanupReport

// Index types and errors.
@_exported import enum QuiverIndex.IndexType
@_exported import typealias QuiverIndex.IndexError
@_exported import enum QuiverIndex.IndexErrorCode
@_exported import struct QuiverIndex.MemoryBudget
@_exported import struct QuiverIndex.IndexBuildProgress
@_exported import typealias QuiverIndex.IndexBuildProgressHandler

// Query statistics and errors.
@_exported import struct QuiverQuery.SearchStatistics
@_exported import struct QuiverQuery.QueryError
@_exported import struct QuiverQuery.VectorQuery
@_exported import struct QuiverQuery.ScanQuery
