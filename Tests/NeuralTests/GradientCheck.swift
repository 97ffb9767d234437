import Numerics
import XCTest

@testable import Neural

/// Finite-difference checks of explicit backward passes.
///
/// The loss is `sum(output * probe)` for a fixed random `probe`, so its gradient with respect to
/// the output is `probe`. Central differences in Float32 with step `h` have an error of order
/// h^2 from truncation plus 1e-7 / h from rounding, hence the relative tolerance of 2e-2.
enum GradientCheck {
    static func probe(rows: Int, columns: Int, seed: UInt64) -> Matrix<Float> {
        var rng = RandomStream(seed: seed)
        return Matrix(
            rows: rows, columns: columns,
            storage: (0..<(rows * columns)).map { _ in Float(rng.normal()) })
    }

    static func loss(_ output: Matrix<Float>, _ probe: Matrix<Float>) -> Double {
        zip(output.storage, probe.storage).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// Asserts that `layer`'s input and parameter gradients match central differences.
    static func check(
        _ layer: some Layer, input: Matrix<Float>, h: Float = 1e-2, tolerance: Double = 2e-2,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        let output = layer.forward(input)
        let probe = probe(rows: output.rows, columns: output.columns, seed: 99)
        layer.zeroGradients()
        let inputGradient = layer.backward(probe)

        var perturbed = input
        for index in 0..<input.count {
            let original = perturbed.storage[index]
            perturbed.storage[index] = original + h
            let plus = loss(layer.forward(perturbed), probe)
            perturbed.storage[index] = original - h
            let minus = loss(layer.forward(perturbed), probe)
            perturbed.storage[index] = original
            let numeric = (plus - minus) / Double(2 * h)
            assertClose(Double(inputGradient.storage[index]), numeric, tolerance, "input",
                        file: file, line: line)
        }
        for parameter in layer.parameters {
            let analytic = parameter.gradient
            for index in 0..<parameter.value.count {
                let original = parameter.value.storage[index]
                parameter.value.storage[index] = original + h
                let plus = loss(layer.forward(input), probe)
                parameter.value.storage[index] = original - h
                let minus = loss(layer.forward(input), probe)
                parameter.value.storage[index] = original
                let numeric = (plus - minus) / Double(2 * h)
                assertClose(Double(analytic.storage[index]), numeric, tolerance, parameter.name,
                            file: file, line: line)
            }
        }
    }

    static func assertClose(
        _ analytic: Double, _ numeric: Double, _ tolerance: Double, _ what: String,
        file: StaticString, line: UInt
    ) {
        let scale = max(1, abs(numeric))
        XCTAssertEqual(analytic, numeric, accuracy: tolerance * scale,
                       "gradient of \(what)", file: file, line: line)
    }
}
