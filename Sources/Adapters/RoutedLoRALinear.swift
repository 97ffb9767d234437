import Neural
import Numerics

/// Rows of a batch that share one context, with the mixture weights of every adapted layer
/// of the network for that context.
public struct RoutedRows {
    /// Row indices into the batch; the groups of one batch partition its rows.
    public var rows: [Int]
    /// One `heads x skills` matrix per adapted layer, each row summing to 1.
    public var mixtures: [Matrix<Float>]

    public init(rows: [Int], mixtures: [Matrix<Float>]) {
        self.rows = rows
        self.mixtures = mixtures
    }
}

/// A linear layer with an inventory of LoRA adapters ("skills") that a routing mixture
/// combines, as in Polytropon (Ponti et al., 2022) and multi-head routing (MHR, Caccia et
/// al., 2023).
///
/// With `S` skills, `H` heads and mixture weights `w` (`H x S`, each row summing to 1):
///
/// ```
/// A_mix[:, block_h] = sum_s w[h, s] A_s[:, block_h]     (input block h of the columns)
/// B_mix[block_h, :] = sum_s w[h, s] B_s[block_h, :]     (output block h of the rows)
/// y = W x + b + s B_mix (A_mix x)
/// ```
///
/// One head (`H = 1`) is Poly; several heads split the input and output dimensions into `H`
/// contiguous blocks, each mixed with its own weights. Blocks differ in size by at most one,
/// the first blocks taking the remainder, and a head whose block is empty (more heads than
/// dimensions) leaves that side unchanged. Every `A_s` is drawn from U(-1/sqrt(inputs),
/// 1/sqrt(inputs)) and every `B_s` starts at zero, so a new layer adds exactly 0 for any
/// mixture.
///
/// Rows of a batch may belong to different contexts. `forward(_:groups:layer:)` applies the
/// base product to the whole batch with one `sgemm`, and the low-rank path to each group of
/// rows with that group's mixture.
public final class RoutedLoRALinear: ParameterOwner {
    /// The base layer, whose weight is `outputs x inputs`.
    public let base: Linear
    /// The skills' down-projections `A_s`, each `rank x inputs`.
    public let skillA: [Parameter]
    /// The skills' up-projections `B_s`, each `outputs x rank`.
    public let skillB: [Parameter]
    /// The number of routing heads `H`.
    public let heads: Int
    /// The scale `s` applied to `B_mix A_mix`.
    public let scale: Float
    /// The columns of `A` that each head mixes.
    public let inputBlocks: [Range<Int>]
    /// The rows of `B` that each head mixes.
    public let outputBlocks: [Range<Int>]

    private var cachedInput = Matrix<Float>(rows: 0, columns: 0)
    private var cachedGroups: [CachedGroup] = []

    private struct CachedGroup {
        var rows: [Int]
        var coversBatch: Bool
        var mixture: Matrix<Float>
        var mixedA: Matrix<Float>
        var mixedB: Matrix<Float>
        var input: Matrix<Float>
        var projection: Matrix<Float>
    }

    /// Creates the layer around `base` with `skills` new adapters of rank `rank`.
    ///
    /// - Parameters:
    ///   - name: the prefix of the adapters' names (`name.lora_A.s`, `name.lora_B.s`).
    ///   - rng: the stream the `A_s` are drawn from.
    public init(
        wrapping base: Linear, skills: Int, heads: Int, rank: Int, scale: Double,
        name: String, rng: inout RandomStream
    ) {
        precondition(skills >= 1 && heads >= 1 && rank >= 1, "skills, heads and rank must be >= 1")
        self.base = base
        self.heads = heads
        self.scale = Float(scale)
        let bound = 1 / Double(base.inputCount).squareRoot()
        skillA = (0..<skills).map { skill in
            let parameter = Parameter(
                name: "\(name).lora_A.\(skill)",
                value: Matrix(rows: rank, columns: base.inputCount))
            Initialization.uniform(parameter, bound: bound, rng: &rng)
            return parameter
        }
        skillB = (0..<skills).map { skill in
            Parameter(
                name: "\(name).lora_B.\(skill)",
                value: Matrix(rows: base.outputCount, columns: rank))
        }
        inputBlocks = RoutedLoRALinear.blocks(count: base.inputCount, heads: heads)
        outputBlocks = RoutedLoRALinear.blocks(count: base.outputCount, heads: heads)
    }

    /// The number of skills `S`.
    public var skills: Int { skillA.count }
    /// The adapter rank `r`.
    public var rank: Int { skillA[0].value.rows }

    public var parameters: [Parameter] { base.parameters + adapterParameters }

    /// Every `A_s` and `B_s`.
    public var adapterParameters: [Parameter] { skillA + skillB }

    /// `count` indices split into `heads` contiguous ranges whose sizes differ by at most one.
    static func blocks(count: Int, heads: Int) -> [Range<Int>] {
        let size = count / heads
        let remainder = count % heads
        var start = 0
        return (0..<heads).map { head in
            let length = size + (head < remainder ? 1 : 0)
            defer { start += length }
            return start..<(start + length)
        }
    }

    // MARK: - Mixing

    /// Mixes the skills into one adapter `(A_mix, B_mix)` for `mixture` (`heads x skills`).
    ///
    /// - Complexity: O(skills x rank x (inputs + outputs)).
    public func mixedAdapter(_ mixture: Matrix<Float>) -> (a: Matrix<Float>, b: Matrix<Float>) {
        precondition(mixture.rows == heads && mixture.columns == skills,
                     "mixture is \(mixture.rows)x\(mixture.columns), not \(heads)x\(skills)")
        let rank = self.rank
        let inputs = base.inputCount
        var mixedA = Matrix<Float>(rows: rank, columns: inputs)
        var mixedB = Matrix<Float>(rows: base.outputCount, columns: rank)
        for skill in 0..<skills {
            let a = skillA[skill].value.storage
            let b = skillB[skill].value.storage
            for head in 0..<heads {
                let weight = mixture[head, skill]
                for i in 0..<rank {
                    for j in inputBlocks[head] {
                        mixedA.storage[i * inputs + j] += weight * a[i * inputs + j]
                    }
                }
                for index in (outputBlocks[head].lowerBound * rank)..<(outputBlocks[head].upperBound * rank) {
                    mixedB.storage[index] += weight * b[index]
                }
            }
        }
        return (mixedA, mixedB)
    }

    /// Returns the base weight with the mixed adapter folded in: `W + s B_mix A_mix`.
    public func mergedWeight(_ mixture: Matrix<Float>) -> Matrix<Float> {
        let (mixedA, mixedB) = mixedAdapter(mixture)
        var weight = base.weight.value
        Matrix.multiply(mixedB, mixedA, alpha: scale, beta: 1, into: &weight)
        return weight
    }

    // MARK: - Forward and backward

    /// Computes the output of every row with its group's mixture and caches what `backward`
    /// needs.
    ///
    /// - Parameters:
    ///   - groups: groups of rows that partition the batch.
    ///   - layer: the index of this layer's mixture in each group's `mixtures`.
    /// - Complexity: one `sgemm` of O(batch x inputs x outputs) plus, per group, the mixing
    ///   and two products of O(rows x rank x (inputs + outputs)).
    public func forward(_ input: Matrix<Float>, groups: [RoutedRows], layer: Int) -> Matrix<Float> {
        cachedInput = input
        cachedGroups = []
        var output = base.forward(input)
        for group in groups {
            let mixture = group.mixtures[layer]
            let (mixedA, mixedB) = mixedAdapter(mixture)
            let coversBatch = group.rows.count == input.rows
                && group.rows.elementsEqual(0..<input.rows)
            let rowsInput = coversBatch ? input : input.gatherRows(group.rows)
            let projection = Matrix.product(rowsInput, mixedA, transposeB: true)
            if coversBatch {
                Matrix.multiply(
                    projection, mixedB, transposeB: true, alpha: scale, beta: 1, into: &output)
            } else {
                let update = Matrix.product(projection, mixedB, transposeB: true)
                output.addRows(update, at: group.rows, scaledBy: scale)
            }
            cachedGroups.append(
                CachedGroup(
                    rows: group.rows, coversBatch: coversBatch, mixture: mixture,
                    mixedA: mixedA, mixedB: mixedB, input: rowsInput, projection: projection))
        }
        return output
    }

    /// Accumulates the gradients of the base and of every skill, and returns the gradient
    /// with respect to the input and, per group in `forward`'s order, with respect to its
    /// mixture weights.
    ///
    /// Per group, with `G = s dY B_mix` the gradient of the projection `A_mix x`:
    ///
    /// ```
    /// dA_mix = G^T x               dB_mix = s dY^T (A_mix x)
    /// dA_s[:, block_h] += w[h, s] dA_mix[:, block_h]
    /// dB_s[block_h, :] += w[h, s] dB_mix[block_h, :]
    /// dw[h, s] = <dA_mix[:, block_h], A_s[:, block_h]> + <dB_mix[block_h, :], B_s[block_h, :]>
    /// dx = dY W + G A_mix
    /// ```
    public func backward(_ outputGradient: Matrix<Float>) -> (
        input: Matrix<Float>, mixtures: [Matrix<Float>]
    ) {
        precondition(outputGradient.rows == cachedInput.rows, "backward batch differs from forward")
        var inputGradient = base.backward(outputGradient)
        var mixtureGradients: [Matrix<Float>] = []
        for group in cachedGroups {
            let rowsGradient = group.coversBatch
                ? outputGradient : outputGradient.gatherRows(group.rows)
            var projectionGradient = Matrix.product(rowsGradient, group.mixedB)
            projectionGradient *= scale
            let mixedAGradient = Matrix.product(
                projectionGradient, group.input, transposeA: true)
            var mixedBGradient = Matrix<Float>(rows: base.outputCount, columns: rank)
            Matrix.multiply(
                rowsGradient, group.projection, transposeA: true, alpha: scale,
                into: &mixedBGradient)
            let rowsInputGradient = Matrix.product(projectionGradient, group.mixedA)
            if group.coversBatch {
                inputGradient += rowsInputGradient
            } else {
                inputGradient.addRows(rowsInputGradient, at: group.rows, scaledBy: 1)
            }
            mixtureGradients.append(
                distribute(
                    mixedAGradient: mixedAGradient, mixedBGradient: mixedBGradient,
                    mixture: group.mixture))
        }
        return (inputGradient, mixtureGradients)
    }

    /// Adds each skill's share of the mixed gradients to its parameters and returns the
    /// gradient with respect to the mixture weights.
    private func distribute(
        mixedAGradient: Matrix<Float>, mixedBGradient: Matrix<Float>, mixture: Matrix<Float>
    ) -> Matrix<Float> {
        let rank = self.rank
        let inputs = base.inputCount
        var mixtureGradient = Matrix<Float>(rows: heads, columns: skills)
        for skill in 0..<skills {
            let a = skillA[skill]
            let b = skillB[skill]
            for head in 0..<heads {
                let weight = mixture[head, skill]
                var dot: Float = 0
                for i in 0..<rank {
                    for j in inputBlocks[head] {
                        let index = i * inputs + j
                        a.gradient.storage[index] += weight * mixedAGradient.storage[index]
                        dot += mixedAGradient.storage[index] * a.value.storage[index]
                    }
                }
                for index in (outputBlocks[head].lowerBound * rank)..<(outputBlocks[head].upperBound * rank) {
                    b.gradient.storage[index] += weight * mixedBGradient.storage[index]
                    dot += mixedBGradient.storage[index] * b.value.storage[index]
                }
                mixtureGradient[head, skill] = dot
            }
        }
        return mixtureGradient
    }
}

extension Matrix {
    /// Adds `scale * rows[k]` to row `indices[k]` of this matrix for every k.
    mutating func addRows(_ rows: Matrix, at indices: [Int], scaledBy scale: Scalar) {
        precondition(rows.rows == indices.count && rows.columns == columns, "row block mismatch")
        let columns = self.columns
        for (k, index) in indices.enumerated() {
            for j in 0..<columns {
                storage[index * columns + j] += scale * rows.storage[k * columns + j]
            }
        }
    }
}
