import QuiverObjectStore

/// How `Database(uri:options:)` reaches an `s3://` database: each setting left nil comes from
/// the standard variables (`AWS_ENDPOINT_URL`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), as the AWS tools read them.
public struct S3DatabaseOptions: Sendable {
  /// The server's URL (`http://127.0.0.1:8333`); nil reads `AWS_ENDPOINT_URL_S3` or
  /// `AWS_ENDPOINT_URL`, and without them AWS itself.
  public var endpoint: String?
  /// The signing region; nil reads `AWS_REGION` or `AWS_DEFAULT_REGION` (else `us-east-1`).
  public var region: String?
  /// The keys; nil reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`.
  public var credentials: S3Credentials?
  /// How requests name the bucket; nil picks path style for an explicit endpoint.
  public var addressingStyle: S3AddressingStyle?
  /// When failed requests are tried again.
  public var retryPolicy: S3RetryPolicy
  /// Part sizes, range coalescing and the on-disk cache of immutable objects
  /// (`cacheDirectory`, `cacheBudgetBytes`, `cacheMemoryBudgetBytes`).
  public var storage: S3StorageOptions
  /// How stale reads may be (`Database.readConsistencyInterval`): nil reads what a table last
  /// committed or checked out; `.zero` checks for a newer version (one listing) on every read.
  public var readConsistencyInterval: Duration?
  /// Where the standard variables are read from (the process's environment by default).
  public var environment: [String: String]?

  /// Options; every argument left out comes from the environment or the defaults.
  public init(
    endpoint: String? = nil, region: String? = nil, credentials: S3Credentials? = nil,
    addressingStyle: S3AddressingStyle? = nil, retryPolicy: S3RetryPolicy = S3RetryPolicy(),
    storage: S3StorageOptions = S3StorageOptions(), readConsistencyInterval: Duration? = nil,
    environment: [String: String]? = nil
  ) {
    self.endpoint = endpoint
    self.region = region
    self.credentials = credentials
    self.addressingStyle = addressingStyle
    self.retryPolicy = retryPolicy
    self.storage = storage
    self.readConsistencyInterval = readConsistencyInterval
    self.environment = environment
  }

  /// The client configuration these options and the environment give.
  /// - Throws: `ObjectStoreError` `.invalidConfiguration` (no credentials, a malformed endpoint).
  public func configuration() throws -> S3Configuration {
    if let environment {
      return try S3Configuration.fromEnvironment(
        environment, endpoint: endpoint, region: region, credentials: credentials,
        addressingStyle: addressingStyle, retryPolicy: retryPolicy)
    }
    return try S3Configuration.fromEnvironment(
      endpoint: endpoint, region: region, credentials: credentials,
      addressingStyle: addressingStyle, retryPolicy: retryPolicy)
  }
}
