import Environments
import Foundation
import Learning
import Neural
import Numerics

// MARK: - Adapter models

extension AdaptedActorCritic {
    /// The settings that shape the model, as checkpoint metadata under `adapters.*`.
    ///
    /// Alpha and the scaling rule are included because they change outputs without changing
    /// any tensor's shape.
    public var architectureMetadata: [String: String] {
        [
            "adapters.kind": kind.rawValue,
            "adapters.rank": String(settings.rank),
            "adapters.alpha": String(settings.alpha),
            "adapters.scaling": settings.scaling.rawValue,
            "adapters.skills": String(router.skills),
            "adapters.heads": String(router.heads),
            "adapters.sources": String(sourceCount),
            "adapters.input_size": String(inputSize),
            "adapters.hidden_widths": hiddenWidths.map(String.init).joined(separator: ","),
            "adapters.activation": activation.rawValue,
            "adapters.embedding_dimension": String(router.book?.embeddingDimension ?? 0),
        ]
    }

    /// Adds every parameter (base, heads, adapters, routing, book) and the architecture
    /// metadata to `checkpoint`.
    public func add(to checkpoint: inout Checkpoint) {
        checkpoint.add(self)
        checkpoint.metadata.merge(architectureMetadata) { _, new in new }
    }

    /// Copies a checkpoint's parameters into this model.
    ///
    /// Nothing changes unless the architecture metadata matches and every tensor is present
    /// with the right shape.
    ///
    /// - Throws: `AdapterError.checkpointMismatch` naming the first setting (in key order)
    ///   that differs, such as the rank or alpha. `CheckpointError.malformed` when the
    ///   metadata is missing, and `CheckpointError.missingTensor` or `.shapeMismatch` from
    ///   the tensors.
    public func load(from checkpoint: Checkpoint) throws {
        for (key, expected) in architectureMetadata.sorted(by: { $0.key < $1.key }) {
            guard let found = checkpoint.metadata[key] else {
                throw CheckpointError.malformed("no '\(key)' in the metadata")
            }
            guard found == expected else {
                throw AdapterError.checkpointMismatch(
                    field: String(key.dropFirst("adapters.".count)), expected: expected,
                    found: found)
            }
        }
        try checkpoint.load(into: self)
    }
}

// MARK: - Multi-task policies

extension MultiTaskPolicy {
    /// The checkpoint format name, stored under `format`.
    public static let checkpointFormat = "ctxrl-multitask-1"

    /// Returns the trained model as a checkpoint: every network's parameters, the normaliser
    /// statistics, the sources and encoder statistics, and in the metadata the kind, the
    /// environment and both settings as JSON.
    ///
    /// `mlp` models store source k's policy with the prefix `source.k.`, and `shared` models
    /// with `shared.`, in `TrainedPolicy`'s layout.
    public func checkpoint() -> Checkpoint {
        var checkpoint = Checkpoint()
        checkpoint.metadata["format"] = MultiTaskPolicy.checkpointFormat
        checkpoint.metadata["kind"] = kind.rawValue
        checkpoint.metadata["environment"] = environment.rawValue
        checkpoint.metadata["ppo_configuration"] = jsonString(configuration)
        checkpoint.metadata["adapter_settings"] = jsonString(settings)

        let featureCount = environment.contextSpace.features.count
        checkpoint.doubleTensors["sources.contexts"] = Matrix(
            rows: sources.count, columns: featureCount, storage: sources.flatMap(\.values))
        checkpoint.doubleTensors["encoder.mean"] = Matrix(
            rows: 1, columns: featureCount, storage: encoder.mean)
        checkpoint.doubleTensors["encoder.standard_deviation"] = Matrix(
            rows: 1, columns: featureCount, storage: encoder.standardDeviation)

        switch model {
        case .independent(let policies):
            for (index, policy) in policies.enumerated() {
                checkpoint.insert(policy.checkpoint(), prefix: "source.\(index).")
            }
        case .shared(let policy):
            checkpoint.insert(policy.checkpoint(), prefix: "shared.")
        case .adapted(let network, let pipeline):
            network.add(to: &checkpoint)
            if let normalizer = pipeline.normalizer {
                let size = normalizer.dimension
                checkpoint.doubleTensors["normalizer.mean"] = Matrix(
                    rows: 1, columns: size, storage: normalizer.mean)
                checkpoint.doubleTensors["normalizer.variance"] = Matrix(
                    rows: 1, columns: size, storage: normalizer.variance)
                checkpoint.doubleTensors["normalizer.count"] = Matrix(
                    rows: 1, columns: 1, storage: [normalizer.count])
            }
        }
        return checkpoint
    }

    /// Rebuilds a model saved by `checkpoint()`.
    ///
    /// - Throws: `CheckpointError` when the checkpoint is not a multi-task policy, or when a
    ///   tensor is missing or has another shape. `AdapterError.checkpointMismatch` when the
    ///   stored architecture disagrees with the stored settings.
    public static func load(from checkpoint: Checkpoint) throws -> MultiTaskPolicy {
        guard checkpoint.metadata["format"] == checkpointFormat else {
            throw CheckpointError.malformed("format is not \(checkpointFormat)")
        }
        guard let kindName = checkpoint.metadata["kind"],
            let kind = MultiTaskPolicyKind(rawValue: kindName)
        else { throw CheckpointError.malformed("no known model kind in the metadata") }
        guard let environmentName = checkpoint.metadata["environment"],
            let environment = EnvironmentKind(name: environmentName)
        else { throw CheckpointError.malformed("no known environment in the metadata") }
        let configuration: PPOConfiguration = try decodeJSON(
            checkpoint.metadata["ppo_configuration"], what: "PPO settings")
        let settings: AdapterSettings = try decodeJSON(
            checkpoint.metadata["adapter_settings"], what: "adapter settings")
        let space = environment.contextSpace
        let featureCount = space.features.count
        let names = space.features.map(\.name)
        guard let stored = checkpoint.doubleTensors["sources.contexts"],
            stored.columns == featureCount, stored.rows >= 1,
            let mean = checkpoint.doubleTensors["encoder.mean"],
            let deviation = checkpoint.doubleTensors["encoder.standard_deviation"],
            mean.count == featureCount, deviation.count == featureCount
        else { throw CheckpointError.malformed("sources or encoder statistics are missing") }
        let sources = (0..<stored.rows).map { Context(names: names, values: stored.row($0)) }
        let encoder = ContextEncoder(mean: mean.storage, standardDeviation: deviation.storage)

        let model: Model
        switch kind {
        case .mlp:
            model = .independent(
                try sources.indices.map { index in
                    try TrainedPolicy.load(
                        from: checkpoint.extracting(prefix: "source.\(index)."))
                })
        case .shared:
            model = .shared(try TrainedPolicy.load(from: checkpoint.extracting(prefix: "shared.")))
        case .lora, .mhr, .openbook:
            var unused = RandomStream(seed: 0)
            let network = AdaptedActorCritic(
                kind: kind, settings: settings, inputSize: environment.observationSize,
                actionSpace: environment.actionSpace, hiddenWidths: configuration.hiddenWidths,
                activation: configuration.activation, initialLogStd: configuration.initialLogStd,
                sourceFeatures: sources.map { encoder.features(scaled: space.normalized($0)) },
                rng: &unused)
            try network.load(from: checkpoint)
            var pipeline = ObservationPipeline(
                observationSize: environment.observationSize,
                normalize: configuration.normalizeObservations,
                clip: configuration.observationClip)
            if let mean = checkpoint.doubleTensors["normalizer.mean"],
                let variance = checkpoint.doubleTensors["normalizer.variance"],
                let count = checkpoint.doubleTensors["normalizer.count"]
            {
                pipeline.normalizer = RunningMeanVariance(
                    mean: mean.storage, variance: variance.storage, count: count.storage[0])
            }
            model = .adapted(network, pipeline)
        }
        return MultiTaskPolicy(
            kind: kind, environment: environment, sources: sources, configuration: configuration,
            settings: settings, encoder: encoder, model: model)
    }
}

// MARK: - Helpers

extension Checkpoint {
    /// Adds every tensor and metadata entry of `other` with `prefix` before its name.
    mutating func insert(_ other: Checkpoint, prefix: String) {
        for (name, tensor) in other.floatTensors { floatTensors[prefix + name] = tensor }
        for (name, tensor) in other.doubleTensors { doubleTensors[prefix + name] = tensor }
        for (key, value) in other.metadata { metadata[prefix + key] = value }
    }

    /// Returns the tensors and metadata whose names start with `prefix`, without the prefix.
    func extracting(prefix: String) -> Checkpoint {
        var result = Checkpoint()
        for (name, tensor) in floatTensors where name.hasPrefix(prefix) {
            result.floatTensors[String(name.dropFirst(prefix.count))] = tensor
        }
        for (name, tensor) in doubleTensors where name.hasPrefix(prefix) {
            result.doubleTensors[String(name.dropFirst(prefix.count))] = tensor
        }
        for (key, value) in metadata where key.hasPrefix(prefix) {
            result.metadata[String(key.dropFirst(prefix.count))] = value
        }
        return result
    }
}

/// Encodes `value` as JSON with sorted keys, so that equal values give equal strings.
///
/// Returns `{}` when a number is not finite, because JSON cannot store it. Loading then
/// reports the settings as missing.
func jsonString<Value: Encodable>(_ value: Value) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    guard let data = try? encoder.encode(value) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
}

/// Decodes metadata JSON.
///
/// - Throws: `CheckpointError.malformed` naming `what` when it is missing or invalid.
func decodeJSON<Value: Decodable>(_ json: String?, what: String) throws -> Value {
    guard let json, let value = try? JSONDecoder().decode(Value.self, from: Data(json.utf8)) else {
        throw CheckpointError.malformed("no valid \(what) in the metadata")
    }
    return value
}
