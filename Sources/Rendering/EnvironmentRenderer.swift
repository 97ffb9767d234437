import Environments

/// Draws states of one environment at one context, as Gymnasium 1.4.0 draws them in
/// `rgb_array` mode.
///
/// The renderer only reads the state it is given, so drawing never changes a simulation. It
/// owns one offscreen SDL2 canvas, which it reuses for every frame, so one renderer must not
/// be used from two threads at once.
public final class EnvironmentRenderer {
    /// The environment drawn.
    public let kind: EnvironmentKind
    /// The validated context, whose lengths and positions set the geometry.
    public let context: Context
    private let canvas: SoftwareCanvas

    /// Creates a renderer for `kind` at `context`.
    ///
    /// - Throws: `ContextError` when the context is invalid for `kind`, and
    ///   `RenderingError.sdlFailed` when SDL cannot create the canvas.
    public init(kind: EnvironmentKind, context: Context) throws {
        self.kind = kind
        self.context = try kind.contextSpace.validated(context)
        let size = kind.canvasSize
        canvas = try SoftwareCanvas(width: size.width, height: size.height)
    }

    /// Draws one state, given in the order of `kind.stateNames`.
    ///
    /// - Returns: A frame of `kind.canvasSize`, row 0 at the top.
    /// - Throws: `RenderingError.invalidState` when `state` has the wrong number of
    ///   components or a value that is not finite, and `RenderingError.sdlFailed` when SDL
    ///   cannot read the canvas back.
    public func render(state: [Double]) throws -> Frame {
        let expected = kind.stateNames.count
        guard state.count == expected, state.allSatisfy(\.isFinite) else {
            throw RenderingError.invalidState(
                environment: kind.rawValue, values: state, expected: expected)
        }
        canvas.clear(.white)
        switch kind {
        case .cartpole:
            SceneDrawing.drawCartPole(state: state, context: context, on: canvas)
        case .mountainCar, .mountainCarContinuous:
            SceneDrawing.drawMountainCar(state: state, context: context, on: canvas)
        case .pendulum:
            SceneDrawing.drawPendulum(state: state, context: context, on: canvas)
        case .acrobot:
            SceneDrawing.drawAcrobot(state: state, context: context, on: canvas)
        }
        // Gymnasium draws with y growing downwards and flips the surface before returning it.
        return try canvas.frame(flippedVertically: true)
    }
}
