import Foundation
import Neural
import Numerics

/// The factor that multiplies a low-rank update `B A`.
public enum LoRAScaling: String, Codable, Sendable, CaseIterable {
    /// `alpha / r`, as in LoRA (Hu et al., 2021).
    case standard
    /// `alpha / sqrt(r)`, rank-stabilized LoRA (Kalajdzievski, 2023), which keeps the size of
    /// the update from shrinking as the rank grows.
    case rankStabilized

    /// Returns the scale for rank `rank` and numerator `alpha`.
    public func scale(alpha: Double, rank: Int) -> Double {
        switch self {
        case .standard: return alpha / Double(rank)
        case .rankStabilized: return alpha / Double(rank).squareRoot()
        }
    }
}

/// A linear layer with a low-rank adapter (LoRA, Hu et al., 2021):
///
/// ```
/// y = W x + b + s B (A x),   s = alpha / r  (or alpha / sqrt(r))
/// ```
///
/// `A` is `r x inputs`, drawn from U(-1/sqrt(inputs), 1/sqrt(inputs)). `B` is `outputs x r`
/// and starts at zero, so a new adapter adds exactly 0 and the outputs equal the base layer's
/// bit for bit. The base `Linear` is wrapped, not copied: its `weight` and `bias` parameters
/// are shared with whatever network owns it.
///
/// `merge()` folds `s B A` into `W` so that inference costs one matrix product. It keeps a
/// copy of the unmerged `W`, and `unmerge()` restores that copy. Subtracting `s B A` again
/// would leave rounding error in `W`. Merging a merged layer throws
/// `AdapterError.alreadyMerged`, because a second fold would add the update twice.
///
/// Training state is explicit: the initializer freezes the base (`isTrainable = false` on its
/// weight and bias) and leaves `A` and `B` trainable, as LoRA fine-tuning does. Set
/// `isBaseTrainable` or `isAdapterTrainable` to change that before creating the optimizer,
/// because `Adam` owns the parameters that are trainable when it is created.
public final class LoRALinear: Layer {
    /// The wrapped layer, whose weight is `outputs x inputs`.
    public let base: Linear
    /// The down-projection `A`, `rank x inputs`.
    public let loraA: Parameter
    /// The up-projection `B`, `outputs x rank`.
    public let loraB: Parameter
    /// The numerator of the scale.
    public let alpha: Double
    /// The rule that turns `alpha` and the rank into the scale.
    public let scaling: LoRAScaling
    /// The scale `s` applied to `B A`.
    public let scale: Float
    /// Whether `s B A` is currently folded into the base weight.
    public private(set) var isMerged = false

    private var unmergedWeight: Matrix<Float>?
    private var cachedInput = Matrix<Float>(rows: 0, columns: 0)
    private var cachedProjection = Matrix<Float>(rows: 0, columns: 0)

    /// Wraps `base` with a new adapter of rank `rank`.
    ///
    /// - Parameters:
    ///   - name: the prefix of the adapter's parameter names (`name.lora_A`, `name.lora_B`).
    ///   - rng: the stream `A` is drawn from.
    public init(
        wrapping base: Linear, rank: Int, alpha: Double, scaling: LoRAScaling = .standard,
        name: String = "lora", rng: inout RandomStream
    ) {
        precondition(rank >= 1, "LoRA rank must be at least 1, got \(rank)")
        precondition(alpha.isFinite && alpha > 0, "LoRA alpha must be positive, got \(alpha)")
        self.base = base
        self.alpha = alpha
        self.scaling = scaling
        scale = Float(scaling.scale(alpha: alpha, rank: rank))
        loraA = Parameter(
            name: name + ".lora_A", value: Matrix(rows: rank, columns: base.inputCount))
        loraB = Parameter(
            name: name + ".lora_B", value: Matrix(rows: base.outputCount, columns: rank))
        Initialization.uniform(
            loraA, bound: 1 / Double(base.inputCount).squareRoot(), rng: &rng)
        isBaseTrainable = false
    }

    /// The adapter rank `r`.
    public var rank: Int { loraA.value.rows }

    /// The base weight, the base bias, `A` and `B`, in that order.
    public var parameters: [Parameter] { [base.weight, base.bias, loraA, loraB] }

    /// Whether optimizers created from now on update the base weight and bias.
    public var isBaseTrainable: Bool {
        get { base.weight.isTrainable }
        set {
            base.weight.isTrainable = newValue
            base.bias.isTrainable = newValue
        }
    }

    /// Whether optimizers created from now on update `A` and `B`.
    public var isAdapterTrainable: Bool {
        get { loraA.isTrainable }
        set {
            loraA.isTrainable = newValue
            loraB.isTrainable = newValue
        }
    }

    /// The base weight without the adapter, also while merged.
    public var unmergedBaseWeight: Matrix<Float> { unmergedWeight ?? base.weight.value }

    // MARK: - Forward and backward

    /// Computes `x W^T + b + s (x A^T) B^T`, or `x W^T + b` alone while merged.
    ///
    /// - Complexity: three `sgemm` calls, O(batch x (inputs x outputs + rank x (inputs +
    ///   outputs))); one call while merged.
    public func forward(_ input: Matrix<Float>) -> Matrix<Float> {
        cachedInput = input
        var output = base.forward(input)
        if isMerged { return output }
        cachedProjection = Matrix.product(input, loraA.value, transposeB: true)
        Matrix.multiply(
            cachedProjection, loraB.value, transposeB: true, alpha: scale, beta: 1,
            into: &output)
        return output
    }

    /// Accumulates the gradients of `W`, `b`, `A` and `B` and returns `dY W + s (dY B) A`.
    ///
    /// ```
    /// dW += dY^T x          db += sum over rows of dY
    /// dB += s dY^T (x A^T)  dA += s (dY B)^T x
    /// ```
    ///
    /// - Precondition: the layer is not merged. Gradients of a merged layer would update `A`
    ///   and `B` while `W` already contains them.
    public func backward(_ outputGradient: Matrix<Float>) -> Matrix<Float> {
        precondition(!isMerged, "unmerge the adapter before training; backward of a merged layer")
        precondition(outputGradient.rows == cachedInput.rows, "backward batch differs from forward")
        var inputGradient = base.backward(outputGradient)

        // G = s dY B is the gradient with respect to the projection x A^T.
        var projectionGradient = Matrix.product(outputGradient, loraB.value)
        projectionGradient *= scale
        Matrix.multiply(
            outputGradient, cachedProjection, transposeA: true, alpha: scale, beta: 1,
            into: &loraB.gradient)
        Matrix.multiply(
            projectionGradient, cachedInput, transposeA: true, beta: 1, into: &loraA.gradient)

        Matrix.multiply(projectionGradient, loraA.value, beta: 1, into: &inputGradient)
        return inputGradient
    }

    // MARK: - Merging

    /// The update `s B A`, `outputs x inputs`.
    public var delta: Matrix<Float> {
        var result = Matrix<Float>(rows: base.outputCount, columns: base.inputCount)
        Matrix.multiply(loraB.value, loraA.value, alpha: scale, into: &result)
        return result
    }

    /// Folds the adapter into the base weight: `W <- W + s B A`, keeping a copy of `W`.
    ///
    /// - Throws: `AdapterError.alreadyMerged` when the adapter is already folded in; the
    ///   weight is left unchanged.
    public func merge() throws {
        guard !isMerged else { throw AdapterError.alreadyMerged(layer: loraA.name) }
        unmergedWeight = base.weight.value
        Matrix.multiply(
            loraB.value, loraA.value, alpha: scale, beta: 1, into: &base.weight.value)
        isMerged = true
    }

    /// Restores the base weight saved by `merge()`, bit for bit.
    ///
    /// Changes made to the weight while merged are discarded.
    ///
    /// - Throws: `AdapterError.notMerged` when the adapter is not folded in.
    public func unmerge() throws {
        guard isMerged, let saved = unmergedWeight else {
            throw AdapterError.notMerged(layer: loraA.name)
        }
        base.weight.value = saved
        unmergedWeight = nil
        isMerged = false
    }
}
