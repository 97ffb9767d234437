/// An error from building, merging, evaluating or loading adapter models.
public enum AdapterError: Error, Equatable, CustomStringConvertible {
    /// `merge()` was called on a layer whose adapter is already folded into its weight.
    case alreadyMerged(layer: String)
    /// `unmerge()` was called on a layer whose adapter is not folded into its weight.
    case notMerged(layer: String)
    /// A setting is outside its valid range.
    case invalidSetting(field: String, reason: String)
    /// The model kind cannot choose mixtures with this zero-shot mode.
    case unsupportedZeroShotMode(mode: String, kind: String)
    /// The operation needs a context book, which only the open-book kind has.
    case missingContextBook(kind: String)
    /// A checkpoint was saved from a model built with other settings.
    case checkpointMismatch(field: String, expected: String, found: String)

    public var description: String {
        switch self {
        case .alreadyMerged(let layer):
            return "adapter of layer '\(layer)' is already merged; call unmerge() before "
                + "merging again"
        case .notMerged(let layer):
            return "adapter of layer '\(layer)' is not merged, so there is nothing to unmerge"
        case .invalidSetting(let field, let reason):
            return "adapter setting '\(field)' \(reason)"
        case .unsupportedZeroShotMode(let mode, let kind):
            return "zero-shot mode '\(mode)' is not available for '\(kind)' models; use "
                + "'nearest' or train an 'openbook' model"
        case .missingContextBook(let kind):
            return "'\(kind)' models have no context book; attention weights exist only for "
                + "'openbook' models"
        case .checkpointMismatch(let field, let expected, let found):
            return "checkpoint was saved with \(field) \(found) but the model has \(expected); "
                + "rebuild the model with the settings the checkpoint was saved with"
        }
    }
}
