import Foundation
import RunStore
import XCTest

final class NonFiniteMetricTests: RunStoreTestCase {
    private var store: RunStore!
    private var run: RunID!

    override func setUpWithError() throws {
        try super.setUpWithError()
        store = try makeStore()
        run = try makeRun(store)
        let values: [Double] = [.nan, .infinity, -.infinity, 0.05, 1.0]
        try store.logMetrics(
            run: run,
            values.enumerated().map { step, value in
                MetricSample(key: "losses/value", step: step, value: value)
            })
    }

    override func tearDownWithError() throws {
        store = nil
        try super.tearDownWithError()
    }

    func testValuesRoundTrip() throws {
        let values = try store.metricHistory(run: run, key: "losses/value").map(\.value)

        XCTAssertEqual(values.count, 5)
        XCTAssertTrue(values[0].isNaN)
        XCTAssertEqual(values[1], .infinity)
        XCTAssertEqual(values[2], -.infinity)
        XCTAssertEqual(values[3], 0.05)
        XCTAssertEqual(values[4], 1.0)
    }

    func testLatestNaNReadsAsNaN() throws {
        try store.logMetric(run: run, key: "losses/value", step: 10, value: .nan)

        let latest = try XCTUnwrap(try store.latestMetric(run: run, key: "losses/value"))

        XCTAssertEqual(latest.step, 10)
        XCTAssertTrue(latest.value.isNaN)
    }

    func testNaNIsStoredAsNull() throws {
        let database = try rawConnection()

        let type = try database.scalar("SELECT typeof(value) FROM metrics WHERE step = 0")
        let infinityType = try database.scalar("SELECT typeof(value) FROM metrics WHERE step = 1")

        XCTAssertEqual(type, .text("null"))
        XCTAssertEqual(infinityType, .text("real"))
    }

    func testNaNMatchesNoNumericFilter() throws {
        let database = try rawConnection()

        let below = try database.rows("SELECT step FROM metrics WHERE value < 0.1 ORDER BY step")
        let above = try database.rows("SELECT step FROM metrics WHERE value > 0.1 ORDER BY step")

        XCTAssertEqual(below, [[.integer(2)], [.integer(3)]])
        XCTAssertEqual(above, [[.integer(1)], [.integer(4)]])
    }

    func testNaNIsNotTheMinimum() throws {
        let database = try rawConnection()

        let minimum = try database.scalar("SELECT min(value) FROM metrics")
        let smallest = try database.scalar(
            "SELECT step FROM metrics ORDER BY value NULLS LAST LIMIT 1")

        XCTAssertEqual(minimum, .real(-.infinity))
        XCTAssertEqual(smallest, .integer(2))
    }
}
