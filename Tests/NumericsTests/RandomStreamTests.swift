import XCTest

@testable import Numerics

final class RandomStreamTests: XCTestCase {
    func testSameSeedSameSequence() {
        var a = RandomStream(seed: 42)
        var b = RandomStream(seed: 42)
        XCTAssertEqual((0..<100).map { _ in a.next() }, (0..<100).map { _ in b.next() })
    }

    func testDifferentSeedsDiffer() {
        var a = RandomStream(seed: 1)
        var b = RandomStream(seed: 2)
        XCTAssertNotEqual((0..<4).map { _ in a.next() }, (0..<4).map { _ in b.next() })
    }

    func testChildrenIgnoreParentPosition() {
        var parent = RandomStream(seed: 7)
        var before = parent.child(3)
        _ = (0..<10).map { _ in parent.next() }
        var after = parent.child(3)
        XCTAssertEqual(before.next(), after.next())
    }

    func testChildrenAreDistinct() {
        let parent = RandomStream(seed: 7)
        var firsts = Set<UInt64>()
        for index in 0..<1000 {
            var child = parent.child(index)
            firsts.insert(child.next())
        }
        var named = parent.child("actions")
        firsts.insert(named.next())
        XCTAssertEqual(firsts.count, 1001)
    }

    func testUniformMomentsAndRange() {
        var rng = RandomStream(seed: 3)
        let samples = (0..<100_000).map { _ in rng.uniform() }
        XCTAssertTrue(samples.allSatisfy { $0 >= 0 && $0 < 1 })
        XCTAssertEqual(samples.reduce(0, +) / 100_000, 0.5, accuracy: 0.005)
    }

    func testNormalMoments() {
        var rng = RandomStream(seed: 4)
        let samples = (0..<100_000).map { _ in rng.normal() }
        let mean = samples.reduce(0, +) / 100_000
        let variance = samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 100_000
        XCTAssertEqual(mean, 0, accuracy: 0.01)
        XCTAssertEqual(variance, 1, accuracy: 0.02)
    }

    func testCategoricalFrequencies() {
        var rng = RandomStream(seed: 5)
        var counts = [0, 0, 0]
        for _ in 0..<60_000 { counts[rng.categorical(weights: [1.0, 2.0, 3.0])] += 1 }
        XCTAssertEqual(Double(counts[0]) / 60_000, 1.0 / 6, accuracy: 0.01)
        XCTAssertEqual(Double(counts[2]) / 60_000, 0.5, accuracy: 0.01)
    }

    func testCategoricalNeverPicksZeroWeight() {
        var rng = RandomStream(seed: 6)
        for _ in 0..<10_000 { XCTAssertNotEqual(rng.categorical(weights: [1.0, 0.0, 1.0]), 1) }
    }

    func testPermutationIsPermutation() {
        var rng = RandomStream(seed: 8)
        XCTAssertEqual(rng.permutation(50).sorted(), Array(0..<50))
    }
}
