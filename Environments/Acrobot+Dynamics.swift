import Foundation

/// The equations of motion of the acrobot and their Runge-Kutta integration, written
/// operation by operation as Gymnasium 1.4.0's `AcrobotEnv._dsdt` and `rk4` so that the
/// rounding matches.
@usableFromInline
enum AcrobotDynamics {
    /// The time derivative of (theta1, theta2, angular velocity 1, angular velocity 2).
    @usableFromInline
    typealias Derivative = (Double, Double, Double, Double)

    /// Integrates one step of `Acrobot.timeStep` with the classical fourth-order Runge-Kutta
    /// method, holding the torque constant.
    @inlinable
    static func rungeKuttaStep(
        state: Acrobot.State, torque: Double, params: Acrobot.Params
    ) -> Acrobot.State {
        let dt = Acrobot.timeStep
        let halfStep = dt / 2.0
        let y0 = (state.theta1, state.theta2, state.angularVelocity1, state.angularVelocity2)

        let k1 = derivative(y0, torque: torque, params: params)
        let k2 = derivative(advance(y0, k1, by: halfStep), torque: torque, params: params)
        let k3 = derivative(advance(y0, k2, by: halfStep), torque: torque, params: params)
        let k4 = derivative(advance(y0, k3, by: dt), torque: torque, params: params)

        // y0 + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4), component by component.
        let weight = dt / 6.0
        func combine(_ y: Double, _ a: Double, _ b: Double, _ c: Double, _ d: Double) -> Double {
            y + weight * (a + 2 * b + 2 * c + d)
        }
        return Acrobot.State(
            theta1: combine(y0.0, k1.0, k2.0, k3.0, k4.0),
            theta2: combine(y0.1, k1.1, k2.1, k3.1, k4.1),
            angularVelocity1: combine(y0.2, k1.2, k2.2, k3.2, k4.2),
            angularVelocity2: combine(y0.3, k1.3, k2.3, k3.3, k4.3))
    }

    /// Returns `y + h * k` component by component.
    @inlinable
    static func advance(_ y: Derivative, _ k: Derivative, by h: Double) -> Derivative {
        (y.0 + h * k.0, y.1 + h * k.1, y.2 + h * k.2, y.3 + h * k.3)
    }

    /// Returns the time derivative of the state under the "book" equations of motion, those
    /// of Sutton and Barto's acrobot case study that Gymnasium uses by default.
    ///
    /// With `d1`, `d2` the inertia terms and `phi1`, `phi2` the gravity and Coriolis terms:
    ///
    /// ```
    /// ddtheta2 = (a + d2/d1 phi1 - m2 l1 lc2 dtheta1^2 sin(theta2) - phi2)
    ///            / (m2 lc2^2 + I2 - d2^2/d1)
    /// ddtheta1 = -(d2 ddtheta2 + phi1) / d1
    /// ```
    ///
    /// Squares use `pythonSquare` where Gymnasium writes `**`.
    @inlinable
    static func derivative(
        _ s: Derivative, torque a: Double, params: Acrobot.Params
    ) -> Derivative {
        let m1 = params.link1Mass
        let m2 = params.link2Mass
        let l1 = params.link1Length
        let lc1 = params.link1CenterOfMass
        let lc2 = params.link2CenterOfMass
        let i1 = params.linkMomentOfInertia
        let i2 = params.linkMomentOfInertia
        let g = Acrobot.gravity
        let (theta1, theta2, dtheta1, dtheta2) = s
        let cosTheta2 = Foundation.cos(theta2)
        let sinTheta2 = Foundation.sin(theta2)

        let d1 =
            m1 * pythonSquare(lc1)
            + m2 * (pythonSquare(l1) + pythonSquare(lc2) + 2 * l1 * lc2 * cosTheta2) + i1 + i2
        let d2 = m2 * (pythonSquare(lc2) + l1 * lc2 * cosTheta2) + i2
        let phi2 = m2 * lc2 * g * Foundation.cos(theta1 + theta2 - Double.pi / 2.0)
        let phi1 =
            -m2 * l1 * lc2 * pythonSquare(dtheta2) * sinTheta2
            - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * sinTheta2
            + (m1 * lc1 + m2 * l1) * g * Foundation.cos(theta1 - Double.pi / 2) + phi2
        let numerator =
            a + d2 / d1 * phi1 - m2 * l1 * lc2 * pythonSquare(dtheta1) * sinTheta2 - phi2
        let denominator = m2 * pythonSquare(lc2) + i2 - pythonSquare(d2) / d1
        let ddtheta2 = numerator / denominator
        let ddtheta1 = -(d2 * ddtheta2 + phi1) / d1
        return (dtheta1, dtheta2, ddtheta1, ddtheta2)
    }
}
