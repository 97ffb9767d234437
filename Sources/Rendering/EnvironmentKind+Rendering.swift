import Environments

extension EnvironmentKind {
    /// The canvas size of Gymnasium 1.4.0's `rgb_array` rendering, in pixels.
    public var canvasSize: (width: Int, height: Int) {
        switch self {
        case .cartpole, .mountainCar, .mountainCarContinuous: return (600, 400)
        case .pendulum, .acrobot: return (500, 500)
        }
    }

    /// The frame rate of Gymnasium 1.4.0's `metadata["render_fps"]`, in frames per second.
    public var framesPerSecond: Int {
        switch self {
        case .cartpole: return 50
        case .pendulum, .mountainCar, .mountainCarContinuous: return 30
        case .acrobot: return 15
        }
    }
}
