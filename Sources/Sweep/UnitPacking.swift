/// The grouping of units into tasks (Slurm array tasks or local processes).
///
/// A task has a fixed cost: a scheduler slot, a process start, opening the shards. Cheap
/// units are therefore packed several to a task, but never so many that fewer tasks than
/// `parallel` remain to run at once.
public struct UnitPacking: Equatable, Sendable {
    /// Units per task, or nil to choose from the unit's cost.
    public var unitsPerTask: Int?
    /// The environment steps a task should train at least, when packing is automatic.
    public var stepsPerTask: Int
    /// The maximum number of tasks of source units in one round. Slurm's default `MaxArraySize` of 1001
    /// allows 1001 array tasks, and the two multi-task baselines take two of them.
    public var maxTasks = 999

    public init(unitsPerTask: Int? = nil, stepsPerTask: Int = 500_000) {
        self.unitsPerTask = unitsPerTask
        self.stepsPerTask = stepsPerTask
    }

    /// Splits sweep units into tasks: source units packed as `tasks(_:unitSteps:parallel:)`
    /// packs them, then one task of its own for each multi-task baseline, which trains as
    /// long as several source units.
    public func tasks(units: [SweepUnit], unitSteps: Int, parallel: Int) -> [[SweepUnit]] {
        let sources = units.compactMap { unit -> Int? in
            if case .source(let index) = unit { return index } else { return nil }
        }
        var tasks = self.tasks(sources, unitSteps: unitSteps, parallel: parallel)
            .map { $0.map(SweepUnit.source) }
        for case .multitask(let budget) in units { tasks.append([.multitask(budget)]) }
        return tasks
    }

    /// Splits `units` into tasks of consecutive units.
    ///
    /// - Parameters:
    ///   - unitSteps: The environment steps of one unit's training.
    ///   - parallel: How many tasks may run at once.
    public func tasks(_ units: [Int], unitSteps: Int, parallel: Int) -> [[Int]] {
        guard !units.isEmpty else { return [] }
        let perTask: Int
        if let unitsPerTask {
            perTask = max(unitsPerTask, 1)
        } else {
            let byCost = max(stepsPerTask / max(unitSteps, 1), 1)
            // Rounding down keeps at least `parallel` tasks whenever there are that many units.
            let byParallelism = units.count / max(parallel, 1)
            perTask = max(min(byCost, byParallelism), 1)
        }
        // More units per task than asked for, rather than an array Slurm would reject.
        let capped = max(perTask, (units.count + maxTasks - 1) / maxTasks)
        return stride(from: 0, to: units.count, by: capped).map {
            Array(units[$0..<min($0 + capped, units.count)])
        }
    }
}
