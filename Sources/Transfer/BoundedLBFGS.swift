/// A limited-memory BFGS minimiser within box bounds, by projection: a simplified L-BFGS-B
/// (Byrd, Lu, Nocedal and Zhu, 1995) for the few smooth parameters of a Gaussian process.
///
/// Each iteration:
///
/// 1. A variable sitting at a bound whose gradient points out of the box is held fixed for
///    the iteration. The others are free.
/// 2. The search direction is `d = -H g` on the free variables, with `H` the L-BFGS inverse
///    Hessian estimate from the last `memory` pairs (Nocedal and Wright, "Numerical
///    Optimization", 2006, Algorithm 7.4), scaled by `gamma = s^T y / y^T y`. If that is not a
///    descent direction, the memory is cleared and `d = -g`.
/// 3. A backtracking line search along the projected path `P(x + t d)`, halving `t` from 1,
///    accepts the first point with `f(P(x + t d)) <= f(x) + 1e-4 g^T (P(x + t d) - x)`.
///    Points where the objective throws or is not finite count as rejections.
/// 4. The pair `(s, y)` joins the memory when its curvature `s^T y` is positive.
///
/// It stops when the projected gradient is below `gradientTolerance` in the max norm, when
/// the relative decrease falls below `valueTolerance`, when the line search fails, or after
/// `maximumIterations` iterations.
///
/// NOTE: Unlike full L-BFGS-B, no generalized Cauchy point is computed, so the set of
/// variables at bounds changes only through projection. That suffices for a handful of
/// log-hyperparameters with wide bounds but is not a general bound-constrained solver.
struct BoundedLBFGS {
    var memory = 10
    var maximumIterations = 200
    var gradientTolerance = 1e-6
    var valueTolerance = 1e-12

    /// The best point found and the objective there.
    struct Result {
        var point: [Double]
        var value: Double
        var iterations: Int
    }

    /// Minimises `objective` from `start` within `lower...upper` (per coordinate).
    ///
    /// - Parameter objective: Returns the value and gradient at a point; may throw where the
    ///   function is undefined.
    /// - Throws: What `objective` throws at the (projected) start.
    func minimize(
        from start: [Double], lower: [Double], upper: [Double],
        objective: ([Double]) throws -> (value: Double, gradient: [Double])
    ) throws -> Result {
        let count = start.count
        precondition(lower.count == count && upper.count == count, "one bound per variable")
        func project(_ x: [Double]) -> [Double] {
            (0..<count).map { min(max(x[$0], lower[$0]), upper[$0]) }
        }
        var x = project(start)
        var (f, g) = try objective(x)
        var steps: [[Double]] = []
        var changes: [[Double]] = []
        var iteration = 0

        while iteration < maximumIterations {
            iteration += 1

            // Free variables and the projected gradient
            let projected = (0..<count).map { i -> Double in
                let outAtLower = x[i] <= lower[i] && g[i] > 0
                let outAtUpper = x[i] >= upper[i] && g[i] < 0
                return outAtLower || outAtUpper ? 0 : g[i]
            }
            let gradientNorm = projected.map { abs($0) }.max() ?? 0
            if gradientNorm < gradientTolerance { break }

            // Direction
            var direction = Self.twoLoop(projected, steps: steps, changes: changes)
            for i in 0..<count where projected[i] == 0 { direction[i] = 0 }
            if dot(direction, projected) >= 0 {
                steps.removeAll()
                changes.removeAll()
                direction = projected.map { -$0 }
            }
            // Without curvature pairs, keep the first step within unit length.
            var t = steps.isEmpty ? min(1, 1 / norm(direction)) : 1

            // Backtracking along the projected path
            var accepted: (point: [Double], value: Double, gradient: [Double])?
            for _ in 0..<50 {
                let candidate = project(zip(x, direction).map { $0 + t * $1 })
                let step = zip(candidate, x).map { $0 - $1 }
                if step.allSatisfy({ $0 == 0 }) { break }
                if let (value, gradient) = try? objective(candidate), value.isFinite,
                    value <= f + 1e-4 * dot(g, step)
                {
                    accepted = (candidate, value, gradient)
                    break
                }
                t /= 2
            }
            guard let accepted else { break }

            // Memory update and convergence
            let s = zip(accepted.point, x).map { $0 - $1 }
            let y = zip(accepted.gradient, g).map { $0 - $1 }
            if dot(s, y) > 1e-12 * dot(y, y) && dot(s, y) > 0 {
                steps.append(s)
                changes.append(y)
                if steps.count > memory {
                    steps.removeFirst()
                    changes.removeFirst()
                }
            }
            let decrease = f - accepted.value
            x = accepted.point
            f = accepted.value
            g = accepted.gradient
            if decrease <= valueTolerance * max(abs(f), 1) { break }
        }
        return Result(point: x, value: f, iterations: iteration)
    }

    /// `-H q` by the L-BFGS two-loop recursion.
    static func twoLoop(_ q: [Double], steps: [[Double]], changes: [[Double]]) -> [Double] {
        var r = q
        var alphas = [Double](repeating: 0, count: steps.count)
        for k in stride(from: steps.count - 1, through: 0, by: -1) {
            let rho = 1 / dot(changes[k], steps[k])
            alphas[k] = rho * dot(steps[k], r)
            for i in r.indices { r[i] -= alphas[k] * changes[k][i] }
        }
        if let s = steps.last, let y = changes.last {
            let gamma = dot(s, y) / dot(y, y)
            for i in r.indices { r[i] *= gamma }
        }
        for k in 0..<steps.count {
            let rho = 1 / dot(changes[k], steps[k])
            let beta = rho * dot(changes[k], r)
            for i in r.indices { r[i] += steps[k][i] * (alphas[k] - beta) }
        }
        return r.map { -$0 }
    }
}

private func dot(_ a: [Double], _ b: [Double]) -> Double {
    var total = 0.0
    for (x, y) in zip(a, b) { total += x * y }
    return total
}

private func norm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }
