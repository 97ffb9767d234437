import Foundation
import RunStore
import Transfer

/// One piece of work of a sweep: a transfer unit (train source i, evaluate it on every
/// target), or the multi-task baseline under one step budget.
///
/// On the command line and in batch scripts a unit is written as its index (`7`) or as
/// `multitask:equal-total`.
public enum SweepUnit: Hashable, Sendable, CustomStringConvertible {
    case source(Int)
    case multitask(MultitaskBudget)

    /// Parses `7` or `multitask:LABEL`.
    ///
    /// - Returns: The unit, or nil for text of neither form.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let index = Int(trimmed), index >= 0 {
            self = .source(index)
        } else if trimmed.hasPrefix("multitask:"),
            let budget = MultitaskBudget(rawValue: String(trimmed.dropFirst("multitask:".count)))
        {
            self = .multitask(budget)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .source(let index): return String(index)
        case .multitask(let budget): return "multitask:" + budget.rawValue
        }
    }

    /// The shard file's name in `shards/`.
    var shardName: String {
        switch self {
        case .source(let index): return "unit-" + String(format: "%05d", index) + ".sqlite"
        case .multitask(let budget): return "multitask-\(budget.rawValue).sqlite"
        }
    }
}

extension TransferStudy {
    /// Tells whether the study's run store has the finished result of `unit`.
    public func hasFinished(_ unit: SweepUnit) throws -> Bool {
        switch unit {
        case .source(let index):
            return try storedUnit(source: index) != nil
        case .multitask(let budget):
            return try storedMultitask(budget) != nil
        }
    }
}
