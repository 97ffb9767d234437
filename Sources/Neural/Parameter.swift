import Numerics

/// A trainable tensor: its value, the gradient accumulated by backward passes, and a name
/// that checkpoints use.
///
/// Parameters are reference types so that a layer, an optimizer and a checkpoint can all
/// refer to the same storage. Backward passes add to `gradient`; call `zeroGradient()` before
/// each update.
public final class Parameter {
    /// A dotted path such as `actor.layers.0.weight`, unique within a model.
    public var name: String
    /// The current value.
    public var value: Matrix<Float>
    /// The accumulated gradient of the loss with respect to `value`.
    public var gradient: Matrix<Float>
    /// Whether optimizers should update this parameter.
    public var isTrainable: Bool = true

    /// Creates a parameter with a zero gradient of the same shape as `value`.
    public init(name: String, value: Matrix<Float>) {
        self.name = name
        self.value = value
        self.gradient = Matrix(rows: value.rows, columns: value.columns)
    }

    /// Sets the gradient to zero.
    public func zeroGradient() {
        gradient.zero()
    }
}

/// Something that owns parameters: a layer, a network, a policy.
public protocol ParameterOwner: AnyObject {
    /// Every parameter, in a fixed order.
    var parameters: [Parameter] { get }
}

extension ParameterOwner {
    /// Sets every parameter's gradient to zero.
    public func zeroGradients() {
        for parameter in parameters { parameter.zeroGradient() }
    }

    /// The total number of scalar parameters.
    public var parameterCount: Int {
        parameters.reduce(0) { $0 + $1.value.count }
    }

    /// Prefixes every parameter name with `prefix` and a dot.
    public func prefixParameterNames(with prefix: String) {
        for parameter in parameters { parameter.name = prefix + "." + parameter.name }
    }
}
