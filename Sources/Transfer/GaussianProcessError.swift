/// An error in fitting a Gaussian process.
public enum GaussianProcessError: Error, Equatable, CustomStringConvertible {
    /// The kernel matrix stayed numerically indefinite after every jitter retry.
    case kernelNotPositiveDefinite(observations: Int, noiseVariance: Double, jitter: Double)
    /// An input, a target or a hyperparameter is NaN or infinite.
    case nonFinite(what: String)

    public var description: String {
        switch self {
        case .kernelNotPositiveDefinite(let observations, let noiseVariance, let jitter):
            return "the Gaussian-process kernel matrix of \(observations) observations is not "
                + "positive definite with noise variance \(noiseVariance), even after adding "
                + "diagonal jitter up to \(jitter); raise the noise variance, allow more jitter "
                + "retries, or remove repeated inputs"
        case .nonFinite(let what):
            return "the Gaussian process received a non-finite \(what); give finite inputs, "
                + "targets and hyperparameters"
        }
    }
}
