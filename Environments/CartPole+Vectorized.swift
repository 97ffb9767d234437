import Foundation
import Numerics

/// The vectorized CartPole steps four copies at a time with SIMD arithmetic.
///
/// Every operation matches `CartPole.integrate` in order and rounding, except that sine and
/// cosine come from `SmallAngleTrigonometry`. The two agree to within about 1 ULP, so a copy
/// here can differ from the single-copy path in the last bits of its state. Results do not
/// depend on a copy's position in a group: the last group repeats its final copy to fill
/// the lanes and discards the repeats.
extension CartPole {
    @inlinable
    public static func advanceCopies(
        _ copies: VectorCopies<CartPole>, actions: UnsafeBufferPointer<Double>,
        output: VectorStepPointers
    ) {
        var base = 0
        while base < copies.count {
            let last = copies.count - 1
            let indices = SIMD4(
                base, Swift.min(base + 1, last), Swift.min(base + 2, last),
                Swift.min(base + 3, last))
            let next = integrateLanes(copies, indices: indices, actions: actions)
            for lane in 0..<Swift.min(4, copies.count - base) {
                let index = base + lane
                let state = State(
                    cartPosition: next.cartPosition[lane], cartVelocity: next.cartVelocity[lane],
                    poleAngle: next.poleAngle[lane],
                    poleAngularVelocity: next.poleAngularVelocity[lane])
                // Same rule as `step`: a step from a terminal state earns 0 and stays ended.
                let outcome =
                    isTerminal(copies.states[index])
                    ? StepOutcome(state: state, reward: 0, terminated: true)
                    : StepOutcome(state: state, reward: 1, terminated: isTerminal(state))
                copies.finish(index, outcome: outcome, output: output)
            }
            base += 4
        }
    }

    /// Four copies' states, one lane per copy.
    @usableFromInline
    struct StateLanes {
        @usableFromInline var cartPosition: SIMD4<Double>
        @usableFromInline var cartVelocity: SIMD4<Double>
        @usableFromInline var poleAngle: SIMD4<Double>
        @usableFromInline var poleAngularVelocity: SIMD4<Double>

        @inlinable
        init(
            cartPosition: SIMD4<Double>, cartVelocity: SIMD4<Double>,
            poleAngle: SIMD4<Double>, poleAngularVelocity: SIMD4<Double>
        ) {
            self.cartPosition = cartPosition
            self.cartVelocity = cartVelocity
            self.poleAngle = poleAngle
            self.poleAngularVelocity = poleAngularVelocity
        }
    }

    /// Advances the equations of motion of the copies at `indices` by one time step.
    @inlinable @inline(__always)
    static func integrateLanes(
        _ copies: VectorCopies<CartPole>, indices: SIMD4<Int>,
        actions: UnsafeBufferPointer<Double>
    ) -> StateLanes {
        let s = (
            copies.states[indices[0]], copies.states[indices[1]], copies.states[indices[2]],
            copies.states[indices[3]]
        )
        let p = (
            copies.params[indices[0]], copies.params[indices[1]], copies.params[indices[2]],
            copies.params[indices[3]]
        )
        func lanes(_ field: (State) -> Double) -> SIMD4<Double> {
            SIMD4(field(s.0), field(s.1), field(s.2), field(s.3))
        }
        func lanes(_ field: (Params) -> Double) -> SIMD4<Double> {
            SIMD4(field(p.0), field(p.1), field(p.2), field(p.3))
        }
        func signedForce(_ lane: Int, _ params: Params) -> Double {
            copies.action(actions[indices[lane]]) == 1
                ? params.forceMagnitude : -params.forceMagnitude
        }

        let x = lanes { (state: State) in state.cartPosition }
        let xDot = lanes { (state: State) in state.cartVelocity }
        let theta = lanes { (state: State) in state.poleAngle }
        let thetaDot = lanes { (state: State) in state.poleAngularVelocity }
        let gravity = lanes { (params: Params) in params.gravity }
        let poleMass = lanes { (params: Params) in params.poleMass }
        let cartMass = lanes { (params: Params) in params.cartMass }
        let halfLength = lanes { (params: Params) in params.halfPoleLength }
        let tau = lanes { (params: Params) in params.timeStep }
        let force = SIMD4(
            signedForce(0, p.0), signedForce(1, p.1), signedForce(2, p.2), signedForce(3, p.3))
        func semiImplicitFlag(_ params: Params) -> Int64 {
            params.integrator == .semiImplicitEuler ? 1 : 0
        }
        // Built from integers because a mask literal allocates an array.
        let semiImplicit =
            SIMD4(
                semiImplicitFlag(p.0), semiImplicitFlag(p.1), semiImplicitFlag(p.2),
                semiImplicitFlag(p.3)) .== 1

        let (sinTheta, cosTheta) = sinCos(theta)
        let totalMass = poleMass + cartMass
        let poleMassLength = poleMass * halfLength

        let temp = (force + poleMassLength * (thetaDot * thetaDot) * sinTheta) / totalMass
        let inertiaFactor = 4.0 / 3.0 - poleMass * (cosTheta * cosTheta) / totalMass
        let thetaAcc = (gravity * sinTheta - cosTheta * temp) / (halfLength * inertiaFactor)
        let xAcc = temp - poleMassLength * thetaAcc * cosTheta / totalMass

        let nextXDot = xDot + tau * xAcc
        let nextThetaDot = thetaDot + tau * thetaAcc
        var nextX = x + tau * xDot
        var nextTheta = theta + tau * thetaDot
        nextX.replace(with: x + tau * nextXDot, where: semiImplicit)
        nextTheta.replace(with: theta + tau * nextThetaDot, where: semiImplicit)
        return StateLanes(
            cartPosition: nextX, cartVelocity: nextXDot, poleAngle: nextTheta,
            poleAngularVelocity: nextThetaDot)
    }

    /// The sine and cosine of each lane, from the polynomial when every lane is in its range
    /// and from the C library otherwise.
    @inlinable @inline(__always)
    static func sinCos(_ theta: SIMD4<Double>) -> (SIMD4<Double>, SIMD4<Double>) {
        let magnitude = theta.replacing(with: -theta, where: theta .< 0)
        // Written so that NaN lanes also take the C library path.
        if all(magnitude .<= SmallAngleTrigonometry.limit) {
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
