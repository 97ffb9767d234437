/// A failure during training.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    /// A quantity became NaN or infinite; training stops before the value can spread.
    case nonFinite(update: Int, quantity: String)
    /// The settings cannot be used.
    case invalidConfiguration(ConfigurationError)
    /// Training was cancelled by the caller (for example on Ctrl-C).
    case cancelled(update: Int)

    public var description: String {
        switch self {
        case .nonFinite(let update, let quantity):
            return "training stopped at update \(update): \(quantity) is not finite; lower the "
                + "learning rate or check the environment's rewards and observations"
        case .invalidConfiguration(let error):
            return error.description
        case .cancelled(let update):
            return "training was cancelled at update \(update)"
        }
    }
}
