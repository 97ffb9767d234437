import Environments

/// Turns contexts into the features that the context book and the gates read, and measures
/// distances between contexts.
///
/// Features are the context scaled to [0, 1] by its declared bounds, then standardised by the
/// mean and population standard deviation of the sources:
///
/// ```
/// z_f = (x_f - mean_f) / std_f,   or 0 when the sources do not vary feature f (std_f < 1e-12)
/// ```
///
/// Standardising makes the features that the sources vary O(1) however narrow their range,
/// and silences the features every source shares.
public struct ContextEncoder: Codable, Equatable, Sendable {
    /// The mean of each scaled feature over the sources.
    public let mean: [Double]
    /// The standard deviation of each scaled feature over the sources; 0 where they agree.
    public let standardDeviation: [Double]

    /// Computes the statistics of `scaledSources`, the source contexts scaled to [0, 1].
    public init(scaledSources: [[Double]]) {
        precondition(!scaledSources.isEmpty, "an encoder needs at least one source")
        let count = Double(scaledSources.count)
        let width = scaledSources[0].count
        let mean = (0..<width).map { f in scaledSources.reduce(0) { $0 + $1[f] } / count }
        standardDeviation = (0..<width).map { f in
            let variance = scaledSources.reduce(0) { total, source in
                total + (source[f] - mean[f]) * (source[f] - mean[f])
            } / count
            return variance.squareRoot()
        }
        self.mean = mean
    }

    /// Creates an encoder with given statistics, for restoring from a checkpoint.
    public init(mean: [Double], standardDeviation: [Double]) {
        precondition(mean.count == standardDeviation.count, "statistics differ in length")
        self.mean = mean
        self.standardDeviation = standardDeviation
    }

    /// Returns the standardised features of a context already scaled to [0, 1].
    public func features(scaled: [Double]) -> [Float] {
        precondition(scaled.count == mean.count, "\(scaled.count) features for \(mean.count)")
        return scaled.indices.map { f in
            standardDeviation[f] < 1e-12
                ? 0 : Float((scaled[f] - mean[f]) / standardDeviation[f])
        }
    }

    /// Returns the L1 distance between two contexts scaled to [0, 1] by their declared bounds.
    public static func distance(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count, "contexts of \(a.count) and \(b.count) features")
        return zip(a, b).reduce(0) { $0 + abs($1.0 - $1.1) }
    }

    /// Returns the index of the source nearest to `target` by `distance`, the first on ties.
    public static func nearest(to target: [Double], among sources: [[Double]]) -> Int {
        precondition(!sources.isEmpty, "no sources to choose from")
        var best = 0
        var bestDistance = distance(target, sources[0])
        for index in 1..<sources.count {
            let candidate = distance(target, sources[index])
            if candidate < bestDistance {
                best = index
                bestDistance = candidate
            }
        }
        return best
    }
}
