import Dispatch
import Environments
import Neural
import Numerics

/// Measurements of adapter inference cost, for the lead's benchmark page; not a test.
public enum AdapterBenchmark {
    /// Forward passes per second of one actor network, with the adapters applied on the fly
    /// and folded into the weights.
    public struct MergeSpeed: Equatable, Sendable {
        /// Rows per forward pass.
        public let batchSize: Int
        /// Passes timed for each variant.
        public let passes: Int
        /// Passes per second through the routed layers (base product plus low-rank path).
        public let unmergedPassesPerSecond: Double
        /// Passes per second through the merged `ActorCritic` actor (base product alone).
        public let mergedPassesPerSecond: Double

        /// How many times faster the merged network is.
        public var speedup: Double { mergedPassesPerSecond / unmergedPassesPerSecond }
    }

    /// Times the actor of a `kind` model on CartPole-sized inputs (4 observations, hidden
    /// widths `hiddenWidths`, `sourceCount` sources) for source 0's mixture, unmerged and
    /// merged.
    ///
    /// Every `B` is filled with random values first, so the low-rank path does real work.
    /// Each variant runs `passes / 10` untimed warm-up passes before the timed ones.
    ///
    /// - Complexity: O(passes x batchSize x width^2).
    public static func measureMergeSpeed(
        kind: MultiTaskPolicyKind = .lora, settings: AdapterSettings = AdapterSettings(),
        hiddenWidths: [Int] = [64, 64], sourceCount: Int = 4, batchSize: Int = 400,
        passes: Int = 1000, seed: UInt64 = 0
    ) -> MergeSpeed {
        precondition(kind.hasAdapters && batchSize >= 1 && passes >= 1, "invalid benchmark")
        var rng = RandomStream(seed: seed)
        let network = AdaptedActorCritic(
            kind: kind, settings: settings, inputSize: 4, actionSpace: .discrete(count: 2),
            hiddenWidths: hiddenWidths, activation: .tanh, initialLogStd: 0,
            sourceFeatures: (0..<sourceCount).map { [Float($0)] }, rng: &rng)
        for parameter in network.parameters(in: .adapters) where parameter.name.contains("lora_B") {
            Initialization.uniform(parameter, bound: 0.1, rng: &rng)
        }
        let input = Matrix<Float>(
            rows: batchSize, columns: 4,
            storage: (0..<(batchSize * 4)).map { _ in Float(rng.uniform(-1, 1)) })
        let mixture = network.resolve(.source(0))
        let groups = [RoutedRows(rows: Array(0..<batchSize), mixtures: mixture.layers)]
        let merged = network.merged(for: mixture)

        let unmerged = passesPerSecond(passes) { _ = network.actor.forward(input, groups: groups) }
        let folded = passesPerSecond(passes) { _ = merged.actor.forward(input) }
        return MergeSpeed(
            batchSize: batchSize, passes: passes, unmergedPassesPerSecond: unmerged,
            mergedPassesPerSecond: folded)
    }

    private static func passesPerSecond(_ passes: Int, _ body: () -> Void) -> Double {
        for _ in 0..<max(passes / 10, 1) { body() }
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<passes { body() }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        return Double(passes) / max(elapsed, 1e-12)
    }
}
