import Transfer
import XCTest

/// Choosing Q sources per round by the kriging believer.
final class BatchSelectionTests: XCTestCase {
    /// A 12-context matrix whose transfer falls off with distance from each source, with
    /// training performance peaking in the middle.
    private let matrix: TransferMatrix = {
        let n = 12
        let returns = (0..<n).map { i in
            (0..<n).map { j -> Double in
                let own = 1 - abs(Double(i) - 5.5) / 8
                return max(own - 0.09 * Double(abs(i - j)), 0)
            }
        }
        return TransferMatrix(returns: returns, returnBounds: 0...1)
    }()

    func testBatchOfOneMakesTheSequentialChoices() throws {
        let strategy = MBTLGaussianProcessStrategy()
        let problem = try SelectionProblem(geometry: .evenGrid(count: 12), budget: 6)
        var observations: [SelectionObservation] = []
        for _ in 0..<6 {
            let source = try strategy.nextSource(problem: problem, observations: observations)
                .source
            observations.append(
                SelectionObservation(source: source, performance: matrix.performance[source]))
        }
        var options = SelectionOptions()
        options.batchSize = 1
        let batched = try runOfflineSelection(
            matrix: matrix, strategy: strategy, budget: 6, options: options)
        XCTAssertEqual(batched.steps.map(\.chosen), observations.map(\.source))
    }

    func testRoundsChooseDistinctSourcesAndSpendTheBudget() throws {
        for size in [2, 3, 4, 5] {
            var options = SelectionOptions()
            options.batchSize = size
            let report = try runOfflineSelection(
                matrix: matrix, strategy: .mbtlGaussianProcess, budget: 7, options: options)
            let chosen = report.steps.map(\.chosen)
            XCTAssertEqual(chosen.count, 7, "batch \(size)")
            XCTAssertEqual(Set(chosen).count, 7, "batch \(size) chose \(chosen)")
            // A round's later choices are made before its first is observed, so its steps
            // carry the number of earlier choices, real or believed.
            XCTAssertEqual(report.steps.map(\.decision.step), Array(0..<7))
        }
    }

    func testBelieverSpreadsRoundAcrossRange() throws {
        var options = SelectionOptions()
        options.batchSize = 3
        let report = try runOfflineSelection(
            matrix: matrix, strategy: .mbtlGaussianProcess, budget: 3, options: options)
        let chosen = report.steps.map(\.chosen).sorted()
        // Without the fantasies every choice of the round would be the middle; with them
        // the round covers both halves.
        XCTAssertEqual(chosen.count, 3)
        XCTAssertLessThan(chosen.first!, 4, "\(chosen)")
        XCTAssertGreaterThan(chosen.last!, 7, "\(chosen)")
    }

    func testFantasyIsClampedMeanLessGap() throws {
        let batch = try BatchSelection(
            strategy: MBTLGaussianProcessStrategy(), size: 2, gapSlope: .fixed(0.5))
        var decision = SelectionDecision(step: 1, source: 2)
        decision.candidates = [1, 2, 4]
        decision.predictedMeans = [0.1, 0.8, 0.3]
        decision.gapSlope = 1.5
        let geometry = ContextGeometry.evenGrid(count: 5)
        let fantasy = batch.fantasy(of: decision, geometry: geometry, observations: [])
        XCTAssertEqual(fantasy.source, 2)
        // Distances on a 5-point grid are 0.25 per step: 0.8 - 1.5 * [0.5, 0.25, 0, 0.25, 0.5].
        for (value, expected) in zip(fantasy.performance, [0.05, 0.425, 0.8, 0.425, 0.05]) {
            XCTAssertEqual(value, expected, accuracy: 1e-12)
        }
        // Without a model the fantasy is the best performance, with the given slope.
        let first = batch.fantasy(
            of: SelectionDecision(step: 0, source: 0), geometry: geometry, observations: [])
        XCTAssertEqual(first.performance, [1, 0.875, 0.75, 0.625, 0.5])
        // The decision's own slope wins over the batch's; without one the batch's is used.
        decision.gapSlope = nil
        let steep = try BatchSelection(
            strategy: MBTLGaussianProcessStrategy(), size: 4, gapSlope: .fixed(3))
        let steepFantasy = steep.fantasy(of: decision, geometry: geometry, observations: [])
        for (value, expected) in zip(steepFantasy.performance, [0, 0.05, 0.8, 0.05, 0]) {
            XCTAssertEqual(value, expected, accuracy: 1e-12)
        }
    }

    func testBatchSizeBelowOneIsRefused() {
        XCTAssertThrowsError(try BatchSelection(strategy: EquidistantStrategy(), size: 0)) {
            XCTAssertEqual($0 as? SelectionError, .invalidBatchSize(size: 0))
        }
    }

    func testLastRoundIsCutToTheBudget() throws {
        let batch = try BatchSelection(strategy: MBTLGaussianProcessStrategy(), size: 4)
        let problem = try SelectionProblem(geometry: .evenGrid(count: 12), budget: 6)
        let first = try batch.nextRound(problem: problem, observations: [])
        XCTAssertEqual(first.count, 4)
        let observed = first.map {
            SelectionObservation(source: $0.source, performance: matrix.performance[$0.source])
        }
        XCTAssertEqual(try batch.nextRound(problem: problem, observations: observed).count, 2)
    }
}
