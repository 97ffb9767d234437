import Foundation
import Numerics

/// The vectorized CartPole steps four copies at a time with SIMD arithmetic.
///
/// Every operation matches `CartPole.integrate` and `CartPole.step` in order and rounding,
/// except that sine and cosine come from `SmallAngleTrigonometry`. The two agree to within
/// 1 ULP, so a copy here can differ from the single-copy path in the last bits of its
/// state. Results do not depend on a copy's position in a group: the last group repeats
/// its final copy to fill the lanes and discards the repeats.
extension CartPole {
    @inlinable
    public static func advanceCopies(
        _ copies: VectorCopies<CartPole>, actions: UnsafeBufferPointer<Double>,
        output: VectorStepPointers
    ) {
        let last = copies.count - 1
        var base = 0
        while base < copies.count {
            let indices = SIMD4(
                base, Swift.min(base + 1, last), Swift.min(base + 2, last),
                Swift.min(base + 3, last))
            let state = StateLanes(copies.states, indices)
            let params = ParamLanes(copies, indices)
            let action = SIMD4(
                actions[indices[0]], actions[indices[1]], actions[indices[2]],
                actions[indices[3]])
            precondition(
                all((action .== 0) .| (action .== 1)),
                "invalid action in \(action) for cartpole; expected 0 or 1")

            let next = integrate(state, params, action: action)
            // As in `step`, a step from a terminal state earns 0 and keeps the episode ended.
            let wasTerminal = isTerminal(state)
            let terminated = wasTerminal .| isTerminal(next)

            let isFullGroup = base + 4 <= copies.count
            if isFullGroup && !any(terminated) && !reachesTimeLimit(copies, base) {
                storeContinuing(next, copies: copies, base: base, output: output)
            } else {
                for lane in 0..<Swift.min(4, copies.count - base) {
                    let outcome = StepOutcome(
                        state: next[lane], reward: wasTerminal[lane] ? 0 : 1,
                        terminated: terminated[lane])
                    copies.finish(base + lane, outcome: outcome, output: output)
                }
            }
            base += 4
        }
    }

    /// Returns whether one of the four copies from `base` takes the last step of its time limit.
    @inlinable @inline(__always)
    static func reachesTimeLimit(_ copies: VectorCopies<CartPole>, _ base: Int) -> Bool {
        let elapsed = UnsafeRawPointer(copies.elapsedSteps + base)
            .loadUnaligned(as: SIMD4<Int32>.self)
        return any(elapsed .>= Int32(timeLimit - 1))
    }

    /// Records the step of four copies from `base` whose episodes all continue, so that each
    /// earns 1: what `VectorCopies.finish` does per copy, with vector stores.
    @inlinable @inline(__always)
    static func storeContinuing(
        _ next: StateLanes, copies: VectorCopies<CartPole>, base: Int, output: VectorStepPointers
    ) {
        let elapsed = UnsafeMutableRawPointer(copies.elapsedSteps + base)
        elapsed.storeBytes(
            of: elapsed.loadUnaligned(as: SIMD4<Int32>.self) &+ 1, as: SIMD4<Int32>.self)
        UnsafeMutableRawPointer(output.rewards + base)
            .storeBytes(of: SIMD4<Double>(repeating: 1), as: SIMD4<Double>.self)
        // Four `false` flags at once.
        UnsafeMutableRawPointer(output.terminated + base).storeBytes(of: 0, as: UInt32.self)
        UnsafeMutableRawPointer(output.truncated + base).storeBytes(of: 0, as: UInt32.self)

        let x = SIMD4<Float>(next.x)
        let xDot = SIMD4<Float>(next.xDot)
        let theta = SIMD4<Float>(next.theta)
        let thetaDot = SIMD4<Float>(next.thetaDot)
        @inline(__always) func store(_ lane: Int) {
            copies.states[base + lane] = next[lane]
            // The observation is the state rounded to Float, as `writeObservation` writes it.
            let observation = SIMD4(x[lane], xDot[lane], theta[lane], thetaDot[lane])
            let offset = (base + lane) * 4
            UnsafeMutableRawPointer(output.finalObservations + offset)
                .storeBytes(of: observation, as: SIMD4<Float>.self)
            UnsafeMutableRawPointer(output.observations + offset)
                .storeBytes(of: observation, as: SIMD4<Float>.self)
        }
        // Constant lanes let the compiler extract them without going through memory.
        store(0)
        store(1)
        store(2)
        store(3)
    }

    // MARK: - Lanes

    /// Four copies' states, one lane per copy.
    @usableFromInline
    struct StateLanes {
        @usableFromInline var x: SIMD4<Double>
        @usableFromInline var xDot: SIMD4<Double>
        @usableFromInline var theta: SIMD4<Double>
        @usableFromInline var thetaDot: SIMD4<Double>

        @inlinable @inline(__always)
        init(x: SIMD4<Double>, xDot: SIMD4<Double>, theta: SIMD4<Double>, thetaDot: SIMD4<Double>) {
            self.x = x
            self.xDot = xDot
            self.theta = theta
            self.thetaDot = thetaDot
        }

        /// Gathers the states at `indices`.
        @inlinable @inline(__always)
        init(_ states: UnsafeMutablePointer<State>, _ indices: SIMD4<Int>) {
            let a = states[indices[0]]
            let b = states[indices[1]]
            let c = states[indices[2]]
            let d = states[indices[3]]
            x = SIMD4(a.cartPosition, b.cartPosition, c.cartPosition, d.cartPosition)
            xDot = SIMD4(a.cartVelocity, b.cartVelocity, c.cartVelocity, d.cartVelocity)
            theta = SIMD4(a.poleAngle, b.poleAngle, c.poleAngle, d.poleAngle)
            thetaDot = SIMD4(
                a.poleAngularVelocity, b.poleAngularVelocity, c.poleAngularVelocity,
                d.poleAngularVelocity)
        }

        /// The state in lane `lane`.
        @inlinable @inline(__always)
        subscript(lane: Int) -> State {
            State(
                cartPosition: x[lane], cartVelocity: xDot[lane], poleAngle: theta[lane],
                poleAngularVelocity: thetaDot[lane])
        }
    }

    /// Four copies' params, one lane per copy.
    @usableFromInline
    struct ParamLanes {
        @usableFromInline let gravity: SIMD4<Double>
        @usableFromInline let cartMass: SIMD4<Double>
        @usableFromInline let poleMass: SIMD4<Double>
        @usableFromInline let halfPoleLength: SIMD4<Double>
        @usableFromInline let forceMagnitude: SIMD4<Double>
        @usableFromInline let timeStep: SIMD4<Double>
        /// 1 for copies that integrate semi-implicitly, else 0.
        @usableFromInline let semiImplicit: SIMD4<Double>

        /// Gathers the params of the copies at `indices`.
        @inlinable @inline(__always)
        init(_ copies: VectorCopies<CartPole>, _ indices: SIMD4<Int>) {
            let table = copies.paramsTable
            let first = copies.paramsIndices[indices[0]]
            let a = table[Int(first)]
            if copies.paramsIndices[indices[1]] == first
                && copies.paramsIndices[indices[2]] == first
                && copies.paramsIndices[indices[3]] == first
            {
                // Copies usually share params with their neighbours; broadcasting skips the
                // shuffles of a gather.
                self.init(a, a, a, a)
            } else {
                self.init(
                    a, table[Int(copies.paramsIndices[indices[1]])],
                    table[Int(copies.paramsIndices[indices[2]])],
                    table[Int(copies.paramsIndices[indices[3]])])
            }
        }

        @inlinable @inline(__always)
        init(_ a: Params, _ b: Params, _ c: Params, _ d: Params) {
            gravity = SIMD4(a.gravity, b.gravity, c.gravity, d.gravity)
            cartMass = SIMD4(a.cartMass, b.cartMass, c.cartMass, d.cartMass)
            poleMass = SIMD4(a.poleMass, b.poleMass, c.poleMass, d.poleMass)
            halfPoleLength = SIMD4(
                a.halfPoleLength, b.halfPoleLength, c.halfPoleLength, d.halfPoleLength)
            forceMagnitude = SIMD4(
                a.forceMagnitude, b.forceMagnitude, c.forceMagnitude, d.forceMagnitude)
            timeStep = SIMD4(a.timeStep, b.timeStep, c.timeStep, d.timeStep)
            func flag(_ params: Params) -> Double {
                params.integrator == .semiImplicitEuler ? 1 : 0
            }
            semiImplicit = SIMD4(flag(a), flag(b), flag(c), flag(d))
        }
    }

    // MARK: - Physics

    /// Advances four copies by one time step, operation by operation as `integrate`.
    ///
    /// Lane choices are arithmetic rather than `replacing(with:where:)`, which the standard
    /// library evaluates lane by lane with branches. Multiplying by exactly 0, 1 or -1 and
    /// adding 0 leave the chosen value unchanged, so the results equal the scalar path's.
    @inlinable @inline(__always)
    static func integrate(
        _ state: StateLanes, _ params: ParamLanes, action: SIMD4<Double>
    ) -> StateLanes {
        let force = params.forceMagnitude * (2 * action - 1)
        let totalMass = params.poleMass + params.cartMass
        let poleMassLength = params.poleMass * params.halfPoleLength
        let (sinTheta, cosTheta) = sinCos(state.theta)
        let thetaDot = state.thetaDot

        let temp = (force + poleMassLength * (thetaDot * thetaDot) * sinTheta) / totalMass
        let inertiaFactor = 4.0 / 3.0 - params.poleMass * (cosTheta * cosTheta) / totalMass
        let thetaAcc =
            (params.gravity * sinTheta - cosTheta * temp) / (params.halfPoleLength * inertiaFactor)
        let xAcc = temp - poleMassLength * thetaAcc * cosTheta / totalMass

        let tau = params.timeStep
        let nextXDot = state.xDot + tau * xAcc
        let nextThetaDot = thetaDot + tau * thetaAcc
        // Explicit Euler moves with the old velocities, semi-implicit Euler with the new ones.
        let semi = params.semiImplicit
        let explicit = 1 - semi
        let xVelocity = explicit * state.xDot + semi * nextXDot
        let thetaVelocity = explicit * thetaDot + semi * nextThetaDot
        return StateLanes(
            x: state.x + tau * xVelocity, xDot: nextXDot,
            theta: state.theta + tau * thetaVelocity, thetaDot: nextThetaDot)
    }

    /// Returns whether each lane lies outside the track or the angle limit, as `isTerminal`.
    @inlinable @inline(__always)
    static func isTerminal(_ state: StateLanes) -> SIMDMask<SIMD4<Int64>> {
        (state.x .< -positionThreshold) .| (state.x .> positionThreshold)
            .| (state.theta .< -angleThreshold) .| (state.theta .> angleThreshold)
    }

    /// Returns the sine and cosine of each lane, from the polynomial when every lane is in its
    /// range and from the C library otherwise.
    @inlinable @inline(__always)
    static func sinCos(_ theta: SIMD4<Double>) -> (SIMD4<Double>, SIMD4<Double>) {
        let limit = SmallAngleTrigonometry.limit
        // Written so that NaN lanes also take the C library path.
        if all((theta .<= limit) .& (theta .>= -limit)) {
            return SmallAngleTrigonometry.sinCos(theta)
        }
        var sine = SIMD4<Double>()
        var cosine = SIMD4<Double>()
        for lane in 0..<4 {
            sine[lane] = Foundation.sin(theta[lane])
            cosine[lane] = Foundation.cos(theta[lane])
        }
        return (sine, cosine)
    }
}
