/// The names of every metric PPO logs, in one place. Names are namespaced as
/// `charts/...` for progress and `losses/...` for optimisation diagnostics.
public enum MetricName {
    /// Undiscounted return of each finished training episode (raw environment reward).
    public static let episodicReturn = "charts/episodic_return"
    /// Length in steps of each finished training episode.
    public static let episodicLength = "charts/episodic_length"
    /// The learning rate used by the update.
    public static let learningRate = "charts/learning_rate"
    /// Environment steps per second of wall time since training began.
    public static let stepsPerSecond = "charts/steps_per_second"
    /// The clipped surrogate policy loss (mean over the last epoch's minibatches).
    public static let policyLoss = "losses/policy"
    /// The value loss, `mean((V - return)^2)` (mean over the last epoch).
    public static let valueLoss = "losses/value"
    /// The mean policy entropy.
    public static let entropy = "losses/entropy"
    /// The estimate `mean((r - 1) - log r)` of KL(old || new) (Schulman's k3 estimator).
    public static let approximateKL = "losses/approx_kl"
    /// The fraction of samples whose ratio left the clip range.
    public static let clipFraction = "losses/clip_fraction"
    /// `1 - Var(return - V) / Var(return)` over the rollout.
    public static let explainedVariance = "losses/explained_variance"
    /// The global gradient norm before clipping.
    public static let gradientNorm = "losses/gradient_norm"
}
