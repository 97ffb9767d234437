import Foundation
import Neural
import Numerics

/// Open-book context attention: a memory ("book") of the trained source contexts, each with a
/// learned embedding, that a query from any context attends over with one softmax head.
///
/// With `z` the standardised features of a context (see `ContextEncoder`), `E_k` the
/// embedding of source k and `e` the embedding dimension:
///
/// ```
/// q        = W_q z + b_q                           (the query, e values)
/// score_k  = (q . E_k - |E_k|^2 / 2) / sqrt(e)     (scaled dot product with key norms)
/// alpha    = softmax(score)                        (attention over the K sources)
/// gamma_n  = u_n . z + beta_n,   g_n = sigmoid(gamma_n)   (one gate per network n)
/// ```
///
/// The router mixes the sources' routing weights with `alpha` and fuses the result into each
/// training source's own routing with the gate `g_n` (see `AdapterRouter`). `beta_n` starts
/// at `gateBias` (-3 by default, so `g` is about 0.047) and `u_n` at zero, so training starts
/// close to each source's own routing.
///
/// The query map starts orthogonal with gain `e^(1/4)`, `b_q` at zero, and each embedding at
/// its source's own query, `E_k = W_q z_k`. When `e >= features`, `W_q^T W_q = sqrt(e) I`,
/// so the first scores are `z . z_k - |z_k|^2 / 2`, which is `-|z - z_k|^2 / 2` up to a term
/// shared by all sources: attention starts as a soft nearest-source rule in standardised
/// context space, and training moves it from there. With fewer dimensions than
/// features, `W_q^T W_q` is `sqrt(e)` times a projection, and the rule applies to the
/// projected features.
public final class ContextBook: ParameterOwner {
    /// The source embeddings `E`, `sources x e`.
    public let embeddings: Parameter
    /// The query map `W_q`, `e x features`.
    public let queryWeight: Parameter
    /// The query bias `b_q`, `1 x e`.
    public let queryBias: Parameter
    /// The gate weights `u`, `gates x features`.
    public let gateWeight: Parameter
    /// The gate biases `beta`, `1 x gates`.
    public let gateBias: Parameter
    /// The standardised features of each source context, in source order.
    public let sourceFeatures: [[Float]]

    /// Creates a book for the sources whose standardised features are `sourceFeatures`.
    public init(
        sourceFeatures: [[Float]], embeddingDimension: Int, gateCount: Int,
        initialGateBias: Double, rng: inout RandomStream
    ) {
        precondition(!sourceFeatures.isEmpty, "a context book needs at least one source")
        let features = sourceFeatures[0].count
        precondition(sourceFeatures.allSatisfy { $0.count == features }, "feature counts differ")
        self.sourceFeatures = sourceFeatures
        let query = Linear(inputs: features, outputs: embeddingDimension)
        Initialization.orthogonal(
            query, gain: Foundation.pow(Double(embeddingDimension), 0.25), rng: &rng)
        queryWeight = Parameter(name: "book.query.weight", value: query.weight.value)
        queryBias = Parameter(
            name: "book.query.bias", value: Matrix(rows: 1, columns: embeddingDimension))
        // Each key starts as its source's own query: E = Z W_q^T.
        let sourceMatrix = Matrix(
            rows: sourceFeatures.count, columns: features, storage: sourceFeatures.flatMap { $0 })
        embeddings = Parameter(
            name: "book.embeddings",
            value: Matrix.product(sourceMatrix, query.weight.value, transposeB: true))
        gateWeight = Parameter(
            name: "book.gate.weight", value: Matrix(rows: gateCount, columns: features))
        gateBias = Parameter(
            name: "book.gate.bias",
            value: Matrix(rows: 1, columns: gateCount, repeating: Float(initialGateBias)))
    }

    public var parameters: [Parameter] {
        [embeddings, queryWeight, queryBias, gateWeight, gateBias]
    }

    /// The number of sources in the book.
    public var sourceCount: Int { embeddings.value.rows }
    /// The embedding dimension `e`.
    public var embeddingDimension: Int { embeddings.value.columns }
    /// The number of standardised context features a query reads.
    public var featureCount: Int { queryWeight.value.columns }

    // MARK: - Attention

    /// Returns the attention weights over the sources for a context with standardised
    /// features `features`, and the query that produced them.
    ///
    /// - Complexity: O(e x (features + sources)).
    public func attend(_ features: [Float]) -> (weights: [Double], query: [Double]) {
        precondition(features.count == featureCount, "\(features.count) features for \(featureCount)")
        let dimension = embeddingDimension
        let query = (0..<dimension).map { d in
            (0..<featureCount).reduce(Double(queryBias.value.storage[d])) { total, f in
                total + Double(queryWeight.value[d, f]) * Double(features[f])
            }
        }
        let scale = 1 / Double(dimension).squareRoot()
        // score_k = (q . E_k - |E_k|^2 / 2) / sqrt(e) = -(|q - E_k|^2 - |q|^2) / (2 sqrt(e)).
        // The |q|^2 term is the same for every k, so the softmax ranks sources by their
        // distance to the query: a plain dot product would favour the source with the
        // largest key in the query's direction instead of the nearest one.
        let scores = (0..<sourceCount).map { k in
            (0..<dimension).reduce(0.0) { total, d in
                let key = Double(embeddings.value[k, d])
                return total + query[d] * key - 0.5 * key * key
            } * scale
        }
        return (softmax(scores), query)
    }

    /// Back-propagates `weightGradient` (dL/d alpha) through the softmax, the scores and the
    /// query into `E`, `W_q` and `b_q`.
    ///
    /// ```
    /// dscore_k = alpha_k (dalpha_k - sum_j alpha_j dalpha_j)
    /// dE_k    += dscore_k (q - E_k) / sqrt(e)
    /// dq       = sum_k dscore_k E_k / sqrt(e)
    /// dW_q    += dq z^T,   db_q += dq
    /// ```
    func backwardAttention(
        features: [Float], query: [Double], weights: [Double], weightGradient: [Double]
    ) {
        let dimension = embeddingDimension
        let scale = 1 / Double(dimension).squareRoot()
        let weightedSum = zip(weights, weightGradient).reduce(0) { $0 + $1.0 * $1.1 }
        var queryGradient = [Double](repeating: 0, count: dimension)
        for k in 0..<sourceCount {
            let scoreGradient = weights[k] * (weightGradient[k] - weightedSum)
            for d in 0..<dimension {
                let key = Double(embeddings.value[k, d])
                embeddings.gradient[k, d] += Float(scoreGradient * (query[d] - key) * scale)
                queryGradient[d] += scoreGradient * Double(embeddings.value[k, d]) * scale
            }
        }
        for d in 0..<dimension {
            queryBias.gradient.storage[d] += Float(queryGradient[d])
            for f in 0..<featureCount {
                queryWeight.gradient[d, f] += Float(queryGradient[d] * Double(features[f]))
            }
        }
    }

    // MARK: - Gates

    /// Returns the gate values `g_n = sigmoid(u_n . z + beta_n)` for a context with
    /// standardised features `features`.
    public func gates(_ features: [Float]) -> [Double] {
        precondition(features.count == featureCount, "\(features.count) features for \(featureCount)")
        return (0..<gateWeight.value.rows).map { n in
            let logit = (0..<featureCount).reduce(Double(gateBias.value.storage[n])) { total, f in
                total + Double(gateWeight.value[n, f]) * Double(features[f])
            }
            return 1 / (1 + exp(-logit))
        }
    }

    /// Back-propagates `gateGradient` (dL/dg) into `u` and `beta`:
    /// `dgamma_n = dg_n g_n (1 - g_n)`, `du_n += dgamma_n z`, `dbeta_n += dgamma_n`.
    func backwardGates(features: [Float], gates: [Double], gateGradient: [Double]) {
        for n in gates.indices {
            let logitGradient = gateGradient[n] * gates[n] * (1 - gates[n])
            gateBias.gradient.storage[n] += Float(logitGradient)
            for f in 0..<featureCount {
                gateWeight.gradient[n, f] += Float(logitGradient * Double(features[f]))
            }
        }
    }
}

/// Returns the max-shifted softmax `exp(x_k - max x) / sum_j exp(x_j - max x)`.
func softmax(_ values: [Double]) -> [Double] {
    let shift = values.max() ?? 0
    let exponentials = values.map { exp($0 - shift) }
    let total = exponentials.reduce(0, +)
    return exponentials.map { $0 / total }
}
