import Environments
import Foundation
import XCTest

@testable import Transfer

final class ContextSetGrammarTests: XCTestCase {
    func parse(_ specification: String, seed: UInt64 = 0) throws -> ContextSet {
        try ContextSet.parse(specification, environment: .cartpole, seed: seed)
    }

    func testDefaultIsOneContext() throws {
        let set = try parse("default")
        XCTAssertEqual(set.contexts, [CartPole.contextSpace.defaultContext])
        XCTAssertEqual(set.variedFeatures, [])
        XCTAssertEqual(set.geometry.shape, .single)
        XCTAssertEqual(set.label(at: 0), "default")
    }

    func testDefaultGridIsLogSpacedLength() throws {
        let set = try parse("grid")
        XCTAssertEqual(set.count, EnvironmentKind.defaultGridSize)
        XCTAssertEqual(set.variedFeatures.map(\.name), ["length"])
        XCTAssertEqual(set.variedFeatures[0].spacing, .logarithmic)
        for (index, coordinate) in set.coordinates.enumerated() {
            XCTAssertEqual(coordinate[0], Double(index) / 19, accuracy: 1e-12)
        }
    }

    func testLinearGridValues() throws {
        let set = try parse("grid:masscart=0.5..2@4")
        XCTAssertEqual(set.contexts.map { $0["masscart"] }, [0.5, 1.0, 1.5, 2.0])
        XCTAssertEqual(set.coordinates.map { $0[0] }, [0, 1.0 / 3, 2.0 / 3, 1])
        XCTAssertEqual(set.contexts[0]["length"], 0.5)
    }

    func testLogGridHasConstantRatio() throws {
        // 0.05 to 5 in 20 points: each step multiplies by 100^(1/19).
        let values = try parse("grid:length=0.05..5@20log").contexts.map { $0["length"] }
        XCTAssertEqual(values.first, 0.05)
        XCTAssertEqual(values.last, 5)
        let ratio = pow(100, 1.0 / 19)
        for m in 1..<20 { XCTAssertEqual(values[m] / values[m - 1], ratio, accuracy: 1e-12) }
    }

    func testLogGridCoordinatesAreEven() throws {
        let set = try parse("grid:length=0.05..5@5log")
        XCTAssertEqual(set.variedFeatures[0].spacing, .logarithmic)
        for (index, coordinate) in set.coordinates.enumerated() {
            XCTAssertEqual(coordinate[0], Double(index) / 4, accuracy: 1e-12)
        }
    }

    func testProductGridOrderAndShape() throws {
        let set = try parse("grid:length=0.05..5@20log,masscart=0.5..2@3")
        XCTAssertEqual(set.count, 60)
        XCTAssertEqual(set.variedFeatures.map(\.name), ["masscart", "length"])
        XCTAssertEqual(set.geometry.shape, .multiDimensional)
        // The first axis varies slowest.
        XCTAssertEqual(set.contexts[0]["length"], 0.05)
        XCTAssertEqual(set.contexts[0]["masscart"], 0.5)
        XCTAssertEqual(set.contexts[1]["masscart"], 1.25)
        XCTAssertEqual(set.contexts[3]["masscart"], 0.5)
        XCTAssertEqual(set.contexts[59]["length"], 5)
        // Opposite corners are 1 apart on each of two features.
        XCTAssertEqual(set.geometry.distance(0, 59), 2, accuracy: 1e-12)
        XCTAssertEqual(set.label(at: 1), "masscart=1.25,length=0.05")
    }

    func testSinglePointGridHoldsLowerEnd() throws {
        let set = try parse("grid:length=0.5..2@1")
        XCTAssertEqual(set.contexts.map { $0["length"] }, [0.5])
    }

    func testRandomIsSeededAndBounded() throws {
        let first = try parse("random:5", seed: 3)
        let again = try parse("random:5", seed: 3)
        let other = try parse("random:5", seed: 4)
        XCTAssertEqual(first.contexts, again.contexts)
        XCTAssertNotEqual(first.contexts, other.contexts)
        for context in first.contexts {
            for (feature, value) in zip(CartPole.contextSpace.features, context.values) {
                XCTAssertTrue(
                    value >= feature.lowerBound && value <= feature.upperBound, feature.name)
            }
        }
        XCTAssertEqual(first.geometry.shape, .multiDimensional)
    }

    func testListKeepsOrderAndRanks() throws {
        let set = try parse("list:length=2|0.1|0.5")
        XCTAssertEqual(set.contexts.map { $0["length"] }, [2, 0.1, 0.5])
        XCTAssertEqual(set.geometry.ranks, [2, 0, 1])
        // Index distance along the sorted values: 0.1, 0.5, 2.
        XCTAssertEqual(set.geometry.distance(0, 1), 1)
        XCTAssertEqual(set.geometry.distance(1, 2), 0.5)
    }

    func testListProduct() throws {
        let set = try parse("list:length=0.25|1,masscart=1|2|3")
        XCTAssertEqual(set.count, 6)
        XCTAssertEqual(set.contexts[5]["length"], 1)
        XCTAssertEqual(set.contexts[5]["masscart"], 3)
    }

    func testFileLoadsObjects() throws {
        let path = NSTemporaryDirectory() + "transfer-contexts-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try #"[{"length": 0.25}, {"length": 1.0, "masscart": 2.0}]"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        let set = try parse("file:\(path)")
        XCTAssertEqual(set.count, 2)
        XCTAssertEqual(set.contexts[0]["masscart"], 1.0)
        XCTAssertEqual(set.contexts[1]["masscart"], 2.0)
        XCTAssertEqual(set.variedFeatures.map(\.name), ["masscart", "length"])
    }

    func testMultiDimensionalDistanceIsL1() {
        let geometry = ContextGeometry(coordinates: [[0, 0], [0.25, 1], [1, 0.5]])
        XCTAssertEqual(geometry.distance(0, 1), 1.25)
        XCTAssertEqual(geometry.distance(1, 2), 1.25)
        XCTAssertEqual(geometry.distance(0, 2), 1.5)
    }

    func testEvenGridDistanceSpansOne() {
        let geometry = ContextGeometry.evenGrid(count: 5)
        XCTAssertEqual(geometry.distance(0, 4), 1)
        XCTAssertEqual(geometry.distance(1, 2), 0.25)
    }
}

final class ContextSetErrorTests: XCTestCase {
    func error(_ specification: String) -> ContextSetError? {
        do {
            _ = try ContextSet.parse(specification, environment: .cartpole)
            return nil
        } catch {
            return error as? ContextSetError
        }
    }

    func testOutOfBoundsNamesFeatureValueAndBounds() {
        let part = "length=0.01..5@20"
        XCTAssertEqual(
            error("grid:\(part)"),
            .invalidContext(
                part: part,
                error: .outOfBounds(
                    environment: "cartpole", feature: "length", value: 0.01, lower: 0.05,
                    upper: 5)))
        let message = error("grid:\(part)")!.description
        XCTAssertTrue(message.contains("'length' = 0.01"), message)
        XCTAssertTrue(message.contains("[0.05, 5.0]"), message)
    }

    func testListValueOutOfBounds() {
        guard
            case .invalidContext(_, .outOfBounds(_, "length", 9, _, _)) =
                error("list:length=0.5|9")
        else { return XCTFail("expected an out-of-bounds error") }
    }

    func testUnknownFeature() {
        guard
            case .invalidContext(let part, .unknownFeature(_, "colour", _)) =
                error("grid:colour=1..2@3")
        else { return XCTFail("expected an unknown-feature error") }
        XCTAssertEqual(part, "colour=1..2@3")
    }

    func testMalformedSpecifications() {
        XCTAssertEqual(error(""), .emptySpecification)
        XCTAssertEqual(error("lattice:3"), .unknownForm(specification: "lattice:3"))
        XCTAssertEqual(
            error("grid:length=0.1..5"),
            .malformedPart(form: "grid", part: "length=0.1..5", reason: "it has no '@N' count"))
        XCTAssertEqual(
            error("grid:length=0.1-5@3"),
            .malformedPart(
                form: "grid", part: "length=0.1-5@3",
                reason: "its range is not of the form LO..HI"))
        XCTAssertEqual(
            error("grid:length0.1..5@3"),
            .malformedPart(form: "grid", part: "length0.1..5@3", reason: "it has no '='"))
        XCTAssertEqual(
            error("grid:length=0.1..5@3,"),
            .malformedPart(form: "grid", part: "", reason: "it is empty"))
        XCTAssertEqual(
            error("grid:length=abc..5@3"), .invalidNumber(part: "length=abc..5@3", text: "abc"))
    }

    func testCountsBelowOne() {
        XCTAssertEqual(error("random:0"), .invalidCount(part: "random:0", text: "0"))
        XCTAssertEqual(error("random:-2"), .invalidCount(part: "random:-2", text: "-2"))
        XCTAssertEqual(
            error("grid:length=0.1..5@0"), .invalidCount(part: "length=0.1..5@0", text: "0"))
    }

    func testRangeShapeErrors() {
        XCTAssertEqual(
            error("grid:length=5..0.1@3"),
            .invalidRange(part: "length=5..0.1@3", lower: 5, upper: 0.1))
        XCTAssertEqual(
            error("grid:initial_state_lower=-0.2..0@3log"),
            .logarithmicRangeNotPositive(part: "initial_state_lower=-0.2..0@3log", lower: -0.2))
    }

    func testRepeats() {
        XCTAssertEqual(
            error("grid:length=0.1..1@3,length=1..2@2"), .repeatedFeature(feature: "length"))
        XCTAssertEqual(
            error("list:length=0.5|0.5"), .repeatedValue(part: "length=0.5|0.5", value: 0.5))
    }

    func testTooManyContexts() {
        let specification = "grid:length=0.1..1@1000,masscart=1..2@1000,masspole=0.1..1@2"
        XCTAssertEqual(
            error(specification),
            .tooManyContexts(specification: specification, limit: ContextSet.maximumCount))
    }

    func testFileErrors() throws {
        let directory = NSTemporaryDirectory()
        let missing = directory + "transfer-missing-\(UUID().uuidString).json"
        guard case .unreadableFile(missing, _) = error("file:\(missing)") else {
            return XCTFail("expected an unreadable-file error")
        }
        let cases: [(String, String)] = [
            ("[]", "the array is empty"),
            ("{\"length\": 1}", "the top level is not an array of objects"),
            ("[{\"length\": \"long\"}]", "context 0, feature 'length' is not a number"),
            ("[1]", "context 0 is not an object"),
        ]
        for (text, reason) in cases {
            let path = directory + "transfer-bad-\(UUID().uuidString).json"
            defer { try? FileManager.default.removeItem(atPath: path) }
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            XCTAssertEqual(error("file:\(path)"), .malformedFile(path: path, reason: reason), text)
        }
    }

    func testFileRepeatedContext() throws {
        let path = NSTemporaryDirectory() + "transfer-repeat-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try #"[{"length": 1}, {"masscart": 2}, {"length": 1.0}]"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(error("file:\(path)"), .repeatedContext(path: path, first: 0, second: 2))
    }
}
