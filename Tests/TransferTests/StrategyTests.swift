import XCTest

@testable import Transfer

/// Deterministic strategies on `HandMatrix` (N = 5, an evenly spaced grid, positions 0 ... 4).
final class StructuredStrategyTests: XCTestCase {
    func order(_ strategy: StrategyName, budget: Int) throws -> [Int] {
        try runOfflineSelection(matrix: HandMatrix.matrix(), strategy: strategy, budget: budget)
            .steps.map(\.chosen)
    }

    func testPseudoGreedyOrderAndCurve() throws {
        // Boundaries 0 and 4.
        // k=0: the middle, position 2.
        // k=1: points 0,2,4; gaps 2,2; the first gap is at the lower end:
        //      (2*0 + 2)/3 = 0.67, nearest position 1.
        // k=2: points 0,1,2,4; gaps 1,1,2; the last gap: (2 + 2*4)/3 = 3.33, position 3.
        // k=3: points 0,1,2,3,4; all gaps 1; the first: (2*0 + 1)/3 = 0.33, position 0.
        // k=4: only position 4 is left.
        let report = try runOfflineSelection(
            matrix: HandMatrix.matrix(), strategy: .mbtlPseudoGreedy, budget: 5)
        XCTAssertEqual(report.steps.map(\.chosen), [2, 1, 3, 0, 4])
        // Column maxima after each step, over 40:
        // {2}        3 5 8 5 2 = 23
        // {2,1}      6 6 8 5 2 = 27
        // {2,1,3}    6 6 8 6 5 = 31
        // {2,1,3,0}  7 6 8 6 5 = 32
        // all        7 6 8 7 7 = 35
        XCTAssertEqual(report.curve, [0.575, 0.675, 0.775, 0.8, 0.875])
        XCTAssertEqual(report.meanPerformance, 0.74, accuracy: 1e-15)
        // Only V_5 = 0.875 reaches independent training's 0.85.
        XCTAssertEqual(report.trainingsToReachBaseline, 5)
        XCTAssertEqual(report.sampleEfficiency, 1)
    }

    func testEquidistantBudgetThree() throws {
        // Bin centres (N - 1)(2(K - b) - 1)/(2K) with N = 5, K = 3, from the top:
        // 4*5/6 = 3.33 -> 3, 4*3/6 = 2 -> 2, 4*1/6 = 0.67 -> 1.
        let report = try runOfflineSelection(
            matrix: HandMatrix.matrix(), strategy: .mbtlEquidistant, budget: 3)
        XCTAssertEqual(report.steps.map(\.chosen), [3, 2, 1])
        // {3} 1 2 4 6 5 = 18; {3,2} 3 5 8 6 5 = 27; {3,2,1} 6 6 8 6 5 = 31; over 40.
        XCTAssertEqual(report.curve, [0.45, 0.675, 0.775])
        XCTAssertNil(report.trainingsToReachBaseline)
        XCTAssertNil(report.sampleEfficiency)
    }

    func testEquidistantTiesGoLower() throws {
        // K = 4: centres 3.5, 2.5, 1.5, 0.5, each halfway between two positions.
        XCTAssertEqual(try order(.mbtlEquidistant, budget: 4), [3, 2, 1, 0])
    }

    func testEquidistantBudgetTwo() throws {
        // K = 2: centres 4*3/4 = 3 and 4*1/4 = 1.
        XCTAssertEqual(try order(.mbtlEquidistant, budget: 2), [3, 1])
    }

    func testSequentialOracleOrderAndCurve() throws {
        // k=0: row sums 15, 19, 23, 18, 17 -> source 2 (23).
        // k=1: with 2 trained, adding 0, 1, 3, 4 gives 27, 27, 27, 30 -> source 4.
        // k=2: U = 3 5 8 7 7; adding 0, 1, 3 gives 34, 34, 30 -> tie, lowest index 0.
        // k=3: U = 7 5 8 7 7; adding 1, 3 gives 35, 34 -> source 1.
        // k=4: source 3.
        let report = try runOfflineSelection(
            matrix: HandMatrix.matrix(), strategy: .sequentialOracle, budget: 5)
        XCTAssertEqual(report.steps.map(\.chosen), [2, 4, 0, 1, 3])
        XCTAssertEqual(report.curve, [0.575, 0.75, 0.85, 0.875, 0.875])
        // V_3 = 0.85 reaches independent training: 5 / 3.
        XCTAssertEqual(report.trainingsToReachBaseline, 3)
        XCTAssertEqual(report.sampleEfficiency!, 5.0 / 3, accuracy: 1e-15)
    }

    func testMultiDimensionalSetIsRejected() throws {
        let problem = try SelectionProblem(
            geometry: ContextGeometry(coordinates: [[0, 0], [1, 0], [0, 1]]), budget: 2)
        for strategy: any SelectionStrategy in [PseudoGreedyStrategy(), EquidistantStrategy()] {
            XCTAssertThrowsError(try strategy.nextSource(problem: problem, observations: [])) {
                XCTAssertEqual(
                    $0 as? SelectionError,
                    .needsOneDimensionalSet(strategy: strategy.name, shape: .multiDimensional))
            }
        }
    }

    func testUnsortedListUsesRanks() throws {
        // Values 2, 0.1, 0.5 have ranks 2, 0, 1; the middle rank 1 is index 2.
        let geometry = ContextGeometry(coordinates: [[1], [0], [0.2]])
        let problem = try SelectionProblem(geometry: geometry, budget: 3)
        let decision = try PseudoGreedyStrategy().nextSource(problem: problem, observations: [])
        XCTAssertEqual(decision.source, 2)
    }
}

final class ReferenceValueTests: XCTestCase {
    func testReferenceCurvesAreConstant() throws {
        let matrix = HandMatrix.matrix(multitask: [6, 6, 7, 6, 6])
        let oracle = try runOfflineSelection(matrix: matrix, strategy: .oracle, budget: 3)
        XCTAssertEqual(oracle.curve, [0.875, 0.875, 0.875])
        XCTAssertNil(oracle.sampleEfficiency)
        let independent = try runOfflineSelection(
            matrix: matrix, strategy: .independent, budget: 2)
        XCTAssertEqual(independent.curve, [0.85, 0.85])
        let multitask = try runOfflineSelection(matrix: matrix, strategy: .multitask, budget: 1)
        XCTAssertEqual(multitask.curve, [0.775])
    }

    func testMissingMultitaskRow() {
        XCTAssertThrowsError(
            try runOfflineSelection(matrix: HandMatrix.matrix(), strategy: .multitask, budget: 1)
        ) { XCTAssertEqual($0 as? SelectionError, .missingMultitaskReturns) }
    }

    func testStrongMultitaskRaisesBaseline() throws {
        // A multi-task policy at 8 everywhere (performance 1) is never reached.
        let matrix = HandMatrix.matrix(multitask: [8, 8, 8, 8, 8])
        let report = try runOfflineSelection(
            matrix: matrix, strategy: .sequentialOracle, budget: 5)
        XCTAssertEqual(report.baselinePerformance, 1)
        XCTAssertNil(report.trainingsToReachBaseline)
        XCTAssertNil(report.sampleEfficiency)
    }

    func testSampleEfficiencyFactor() {
        XCTAssertEqual(
            SelectionReport.trainingsToReach(baseline: 0.8, curve: [0.5, 0.79, 0.8, 0.9]), 3)
        XCTAssertNil(SelectionReport.trainingsToReach(baseline: 0.95, curve: [0.5, 0.9]))
        XCTAssertEqual(
            SelectionReport.sampleEfficiency(contextCount: 100, trainings: 9)!,
            100.0 / 9, accuracy: 1e-15)
        XCTAssertNil(SelectionReport.sampleEfficiency(contextCount: 100, trainings: nil))
    }

    func testBudgetOutOfRange() {
        for budget in [0, 6] {
            XCTAssertThrowsError(
                try runOfflineSelection(
                    matrix: HandMatrix.matrix(), strategy: .mbtlPseudoGreedy, budget: budget)
            ) {
                XCTAssertEqual(
                    $0 as? SelectionError, .budgetOutOfRange(budget: budget, candidates: 5))
            }
        }
    }

    func testStrategyNames() throws {
        XCTAssertEqual(try StrategyName(parsing: "MBTL-GP"), .mbtlGaussianProcess)
        XCTAssertEqual(try StrategyName(parsing: "pseudo-greedy"), .mbtlPseudoGreedy)
        XCTAssertThrowsError(try StrategyName(parsing: "greedy")) {
            XCTAssertEqual($0 as? SelectionError, .unknownStrategy(name: "greedy"))
        }
        XCTAssertThrowsError(try StrategyName.oracle.makeStrategy()) {
            XCTAssertEqual($0 as? SelectionError, .notSequential(strategy: "oracle"))
        }
        XCTAssertThrowsError(try StrategyName.sequentialOracle.makeStrategy()) {
            XCTAssertEqual(
                $0 as? SelectionError, .needsTransferMatrix(strategy: "sequential-oracle"))
        }
    }
}

final class RandomStrategyTests: XCTestCase {
    func testOrderingIsAPermutation() throws {
        let report = try runOfflineSelection(
            matrix: HandMatrix.matrix(), strategy: RandomStrategy(seed: 5, ordering: 2),
            budget: 5)
        XCTAssertEqual(report.steps.map(\.chosen).sorted(), [0, 1, 2, 3, 4])
    }

    func testAverageOverOrderings() throws {
        var options = SelectionOptions()
        options.randomOrderings = 200
        let report = try runOfflineSelection(
            matrix: HandMatrix.matrix(), strategy: .random, budget: 5, options: options)
        XCTAssertEqual(report.orderings, 200)
        XCTAssertTrue(report.steps.isEmpty)
        // After all five trainings every ordering reaches the oracle, with no spread.
        XCTAssertEqual(report.curve[4], 0.875, accuracy: 1e-12)
        XCTAssertEqual(report.curveStandardDeviation![4], 0, accuracy: 1e-6)
        // After one training the mean is near the mean row value, (15+19+23+18+17)/200 = 0.46.
        XCTAssertEqual(report.curve[0], 0.46, accuracy: 0.03)
        XCTAssertGreaterThan(report.curveStandardDeviation![0], 0)
    }

    func testSeedDeterminesOrder() throws {
        let problem = try SelectionProblem(geometry: .evenGrid(count: 20), budget: 1)
        let a = try RandomStrategy(seed: 1).nextSource(problem: problem, observations: [])
        let b = try RandomStrategy(seed: 1).nextSource(problem: problem, observations: [])
        XCTAssertEqual(a, b)
    }
}
