import Numerics

/// A differentiable map on batches, with an explicit backward pass.
///
/// Inputs and outputs are batch-major: one row per sample. `forward` caches what `backward`
/// needs, so `backward` must follow the `forward` whose output it differentiates. `backward`
/// adds the parameter gradients into each parameter's `gradient` and returns the gradient with
/// respect to the input.
public protocol Layer: ParameterOwner {
    /// Computes the output for a batch and caches what the backward pass needs.
    func forward(_ input: Matrix<Float>) -> Matrix<Float>
    /// Accumulates parameter gradients and returns the gradient with respect to the input.
    func backward(_ outputGradient: Matrix<Float>) -> Matrix<Float>
}
