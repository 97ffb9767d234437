import Foundation

/// Everything stored for one run except checkpoint bytes, as plain values to encode.
///
/// Metric values and evaluation statistics may be NaN or infinite, which `JSONEncoder`
/// rejects unless its `nonConformingFloatEncodingStrategy` specifies how to write them.
public struct RunExport: Sendable, Codable {
    public var run: Run
    public var contexts: [RunContext]
    public var trainings: [Training]
    public var metrics: [MetricRecord]
    public var evaluations: [Evaluation]
    public var selectionSteps: [SelectionStep]
    public var checkpoints: [CheckpointInfo]
    public var artifacts: [Artifact]
}

extension RunStore {
    /// Reads everything stored for a run, in one read transaction so that the parts agree
    /// even while other processes write.
    ///
    /// - Throws: `RunStoreError.runNotFound` for an unknown id.
    public func export(run id: RunID) throws -> RunExport {
        try database.transaction(.deferred) {
            guard let run = try run(id: id) else { throw RunStoreError.runNotFound(id) }
            return RunExport(
                run: run,
                contexts: try contexts(run: id),
                trainings: try trainings(run: id),
                metrics: try allMetrics(run: id),
                evaluations: try evaluations(run: id),
                selectionSteps: try selectionSteps(run: id),
                checkpoints: try checkpoints(run: id),
                artifacts: try artifacts(run: id))
        }
    }
}
