import Numerics

/// Turns raw environment observations into network inputs: optional normalisation by running
/// mean and variance, then an optional per-copy context vector appended.
///
/// The context is appended after normalisation because it is constant within a copy: running
/// statistics over a constant would divide by a near-zero variance.
public struct ObservationPipeline: Codable, Equatable, Sendable {
    /// The width of one raw observation.
    public let observationSize: Int
    /// Running statistics of raw observations; nil when normalisation is off.
    public var normalizer: RunningMeanVariance?
    /// The bound on normalised components.
    public let clip: Double
    /// The scaled context of each copy, appended to its observation; empty when off.
    public var contextFeatures: [[Float]]

    public init(
        observationSize: Int, normalize: Bool, clip: Double, contextFeatures: [[Float]] = []
    ) {
        self.observationSize = observationSize
        self.normalizer = normalize ? RunningMeanVariance(dimension: observationSize) : nil
        self.clip = clip
        self.contextFeatures = contextFeatures
    }

    /// The width of one network input.
    public var inputSize: Int { observationSize + (contextFeatures.first?.count ?? 0) }

    /// Whether updates to the statistics are ignored (evaluation).
    public var isFrozen: Bool {
        get { normalizer?.isFrozen ?? true }
        set { normalizer?.isFrozen = newValue }
    }

    /// Folds a batch of raw observations (flattened, one per copy) into the statistics.
    public mutating func update(with raw: [Float]) {
        guard normalizer != nil else { return }
        let rows = stride(from: 0, to: raw.count, by: observationSize).map { start in
            raw[start..<(start + observationSize)].map(Double.init)
        }
        normalizer!.update(batch: rows)
    }

    /// The network inputs for raw observations of copies `0..<count` (flattened).
    public func inputs(_ raw: [Float]) -> Matrix<Float> {
        let count = raw.count / observationSize
        precondition(contextFeatures.isEmpty || contextFeatures.count == count,
                     "\(contextFeatures.count) contexts for \(count) copies")
        var result = Matrix<Float>(rows: count, columns: inputSize)
        for copy in 0..<count {
            let observation = Array(raw[(copy * observationSize)..<((copy + 1) * observationSize)])
            let prepared = normalizer.map { statistics in
                statistics.normalize(observation.map(Double.init), clip: clip).map(Float.init)
            } ?? observation
            let row = contextFeatures.isEmpty ? prepared : prepared + contextFeatures[copy]
            result.setRow(copy, to: row)
        }
        return result
    }
}
