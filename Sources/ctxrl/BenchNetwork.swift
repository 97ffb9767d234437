import Foundation
import Neural
import Numerics

/// Throughput figures for the network core, printed by `ctxrl bench network`.
enum NetworkBenchmark {
    /// Forward plus backward passes per second of an MLP at the given batch size, and the
    /// samples per second that makes.
    static func forwardBackward(widths: [Int], batch: Int, seconds: Double) -> (
        passesPerSecond: Double, samplesPerSecond: Double
    ) {
        var rng = RandomStream(seed: 1)
        let network = MLP(widths: widths)
        Initialization.orthogonal(network, outputGain: 1, rng: &rng)
        let input = Matrix<Float>(
            rows: batch, columns: widths[0],
            storage: (0..<(batch * widths[0])).map { _ in Float(rng.normal()) })
        let gradient = Matrix<Float>(rows: batch, columns: widths.last!, repeating: 0.01)
        let passes = measure(seconds: seconds) {
            _ = network.forward(input)
            network.zeroGradients()
            _ = network.backward(gradient)
        }
        return (passes, passes * Double(batch))
    }

    /// Nanoseconds per element of glibc's `tanhf` and of `fastTanh` over the same buffer.
    static func tanhCost(elements: Int = 1 << 16, seconds: Double) -> (glibc: Double, fast: Double)
    {
        var rng = RandomStream(seed: 2)
        let source = (0..<elements).map { _ in Float(rng.uniform(-4, 4)) }
        var buffer = source
        var sink: Float = 0
        let glibcRounds = measure(seconds: seconds) {
            for i in 0..<elements { buffer[i] = tanhf(source[i]) }
            sink += buffer[elements / 2]
        }
        let fastRounds = measure(seconds: seconds) {
            buffer = source
            buffer.withUnsafeMutableBufferPointer { fastTanh(inPlace: $0) }
            sink += buffer[elements / 3]
        }
        precondition(sink.isFinite)
        return (1e9 / (glibcRounds * Double(elements)), 1e9 / (fastRounds * Double(elements)))
    }

    /// Repeats `body` for about `seconds` and returns the repetitions per second.
    static func measure(seconds: Double, _ body: () -> Void) -> Double {
        body()  // warm-up
        var count = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        repeat {
            body()
            count += 1
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        } while elapsed < seconds
        return Double(count) / elapsed
    }
}
