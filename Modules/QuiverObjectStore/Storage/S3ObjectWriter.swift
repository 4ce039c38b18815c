import NIOCore
import QuiverStorage

/// A new object of an `S3Storage`, written as a stream: kept in memory and sent in one PUT at
/// `finish()`, or, once it outgrows one part, sent as a multipart upload whose parts go up
/// (a few at once) while the caller writes; the object appears only when the upload completes.
/// Use from one thread.
final class S3ObjectWriter: StorageWriter {
  let storage: S3Storage
  let path: StoragePath
  private(set) var bytesWritten = 0
  private var pending: [UInt8] = []
  private var uploadID: String?
  private var partTags: [EventLoopFuture<String>] = []
  private var finished = false

  init(storage: S3Storage, path: StoragePath) {
    self.storage = storage
    self.path = path
  }

  func write(_ bytes: UnsafeRawBufferPointer) throws {
    precondition(!finished, "write after finish() or abort()")
    pending.append(contentsOf: bytes)
    bytesWritten += bytes.count
    let partSize = storage.options.partSize
    do {
      while pending.count >= partSize + 1 {  // keep the last byte back: the last part is never empty
        let part = Array(pending[..<partSize])
        pending.removeFirst(partSize)
        try upload(part)
      }
    } catch {
      abort()
      throw error
    }
  }

  func finish() throws {
    precondition(!finished, "finish() after finish() or abort()")
    let key = storage.key(path)
    do {
      if let uploadID {
        try upload(pending)
        pending = []
        let tags = try partTags.map { try storage.wait($0, path) }
        try storage.wait(
          storage.client.startCompleteMultipartUpload(key, uploadID: uploadID, partEntityTags: tags),
          path)
      } else {
        try storage.wait(storage.client.startPut(key, pending), path)
        pending = []
      }
      finished = true
    } catch {
      abort()
      throw error
    }
  }

  func abort() {
    guard !finished else { return }
    finished = true
    pending = []
    if let uploadID {
      for tag in partTags { _ = try? tag.wait() }
      _ = try? storage.client.startAbortMultipartUpload(storage.key(path), uploadID: uploadID).wait()
    }
  }

  private func upload(_ part: [UInt8]) throws {
    let key = storage.key(path)
    if uploadID == nil {
      uploadID = try storage.wait(storage.client.startCreateMultipartUpload(key), path)
    }
    guard let uploadID else { return }
    // Bound the parts in memory: wait for the oldest before starting one too many.
    let limit = storage.options.concurrentPartUploads
    if partTags.count >= limit { _ = try storage.wait(partTags[partTags.count - limit], path) }
    partTags.append(
      storage.client.startUploadPart(key, uploadID: uploadID, partNumber: partTags.count + 1, part))
  }
}
