import Foundation
import RunStore
import XCTest

final class MetricOrderingTests: RunStoreTestCase {
    private typealias Row = (step: Int, time: Double, value: Double)

    /// (step, wall time, value) rows: the greatest step is 3, and at step 3 three rows share
    /// the greatest time, 50.
    private let rows: [Row] = [
        (0, 100, 1000), (3, 40, 100), (3, 50, 10), (3, 50, 20), (3, 50, 20), (-3, 900, 900),
        (-1, 800, 800),
    ]

    private func log(_ rows: [Row], store: RunStore, run: RunID, key: String) throws {
        for row in rows {
            try store.logMetric(
                run: run, key: key, step: row.step, value: row.value,
                time: Date(timeIntervalSince1970: row.time))
        }
    }

    /// Orders of `rows`: as listed, reversed, and 24 shuffles from a fixed generator.
    private func permutations() -> [[Row]] {
        var generator = SplitMix64(seed: 2024)
        var orders = [rows, rows.reversed()]
        for _ in 0..<24 {
            orders.append(rows.shuffled(using: &generator))
        }
        return orders
    }

    func testLatestInListedOrder() throws {
        let store = try makeStore()
        let run = try makeRun(store)
        try log(rows, store: store, run: run, key: "charts/return")

        let latest = try XCTUnwrap(try store.latestMetric(run: run, key: "charts/return"))

        XCTAssertEqual(latest.step, 3)
        XCTAssertEqual(latest.time, Date(timeIntervalSince1970: 50))
        XCTAssertEqual(latest.value, 20)
    }

    func testLatestTieGoesToLargestValue() throws {
        let store = try makeStore()
        let run = try makeRun(store)
        let tied: [Row] = [(3, 50, 20), (3, 50, 20), (3, 50, 10), (0, 100, 1000)]
        try log(tied, store: store, run: run, key: "charts/return")

        let latest = try XCTUnwrap(try store.latestMetric(run: run, key: "charts/return"))

        XCTAssertEqual(latest.value, 20)
    }

    func testLatestTiePrefersNumberOverNaN() throws {
        let store = try makeStore()
        let run = try makeRun(store)
        let tied: [Row] = [(3, 50, -5), (3, 50, .nan)]
        try log(tied, store: store, run: run, key: "charts/return")

        let latest = try XCTUnwrap(try store.latestMetric(run: run, key: "charts/return"))

        XCTAssertEqual(latest.value, -5)
    }

    func testLatestInManyOrders() throws {
        let store = try makeStore()
        let run = try makeRun(store)
        for (number, order) in permutations().enumerated() {
            let key = "order/\(number)"
            try log(order, store: store, run: run, key: key)
            let latest = try XCTUnwrap(try store.latestMetric(run: run, key: key))

            XCTAssertEqual(latest.step, 3, "order \(number)")
            XCTAssertEqual(latest.time, Date(timeIntervalSince1970: 50), "order \(number)")
            XCTAssertEqual(latest.value, 20, "order \(number)")
        }
    }

    func testHistoryInManyOrders() throws {
        let store = try makeStore()
        let run = try makeRun(store)
        for (number, order) in permutations().enumerated() {
            let key = "order/\(number)"
            try log(order, store: store, run: run, key: key)
            // Sorted by step, then time; the stable sort keeps ties in logging order.
            let expected = order.enumerated().sorted { a, b in
                (a.element.step, a.element.time, a.offset)
                    < (b.element.step, b.element.time, b.offset)
            }.map(\.element)

            let history = try store.metricHistory(run: run, key: key)

            XCTAssertEqual(history.map(\.step), expected.map(\.step), "order \(number)")
            XCTAssertEqual(
                history.map(\.time.timeIntervalSince1970), expected.map(\.time),
                "order \(number)")
            XCTAssertEqual(history.map(\.value), expected.map(\.value), "order \(number)")
        }
    }

    func testHistoryFiltersByTraining() throws {
        let store = try makeStore()
        let run = try makeRun(store)
        let first = try store.startTraining(run: run, sourceIndex: 0).id
        let second = try store.startTraining(run: run, sourceIndex: 1).id
        try store.logMetric(run: run, training: first, key: "losses/value", step: 1, value: 1)
        try store.logMetric(run: run, training: second, key: "losses/value", step: 1, value: 2)
        try store.logMetric(run: run, key: "losses/value", step: 1, value: 3)

        let history = try store.metricHistory(run: run, training: second, key: "losses/value")
        let all = try store.metricHistory(run: run, key: "losses/value")

        XCTAssertEqual(history.map(\.value), [2])
        XCTAssertEqual(history.map(\.training), [second])
        XCTAssertEqual(all.map(\.value), [1, 2, 3])
    }

    func testFailedBatchStoresNothing() throws {
        let store = try makeStore()
        let run = try makeRun(store)
        // A NaN time binds as NULL, which the NOT NULL wall_time column rejects.
        let samples = [
            MetricSample(key: "losses/value", step: 0, value: 1),
            MetricSample(key: "losses/value", step: 1, value: 2),
            MetricSample(
                key: "losses/value", step: 2, value: 3, time: Date(timeIntervalSince1970: .nan)),
        ]

        XCTAssertThrowsError(try store.logMetrics(run: run, samples))

        XCTAssertEqual(try store.allMetrics(run: run).count, 0)
    }

    func testLatestOfMissingKeyIsNil() throws {
        let store = try makeStore()
        let run = try makeRun(store)

        XCTAssertNil(try store.latestMetric(run: run, key: "charts/missing"))
    }

    func testMetricKeysAreSorted() throws {
        let store = try makeStore()
        let run = try makeRun(store)
        try store.logMetric(run: run, key: "losses/value", step: 0, value: 1)
        try store.logMetric(run: run, key: "charts/return", step: 0, value: 1)
        try store.logMetric(run: run, key: "losses/value", step: 1, value: 1)

        XCTAssertEqual(try store.metricKeys(run: run), ["charts/return", "losses/value"])
    }
}

/// SplitMix64 (Steele, Lea and Flood, 2014): a seeded generator for reproducible shuffles.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
