import Environments
import Neural
import Numerics
import XCTest

@testable import Adapters

/// Finite-difference checks through the whole routed network: routing logits, the context
/// book's embeddings, query and gates, and the adapters, for rows of three sources and one
/// unseen context in one batch.
final class RoutingGradientTests: XCTestCase {
    var network: AdaptedActorCritic!
    var inputs = Matrix<Float>(rows: 0, columns: 0)
    var actorProbe = Matrix<Float>(rows: 0, columns: 0)
    var criticProbe = Matrix<Float>(rows: 0, columns: 0)
    let requests: [MixtureRequest] = [
        .source(0), .source(1), .source(2), .attention(features: [0.3, -1.2]),
    ]
    let rowRequests = [0, 1, 2, 3, 0, 2, 3, 1]

    override func setUp() {
        var settings = AdapterSettings()
        // Rank 2 and alpha 3: scale 1.5.
        settings.rank = 2
        settings.alpha = 3
        settings.skills = 3
        settings.heads = 2
        settings.embeddingDimension = 4
        var rng = RandomStream(seed: 21)
        network = AdaptedActorCritic(
            kind: .openbook, settings: settings, inputSize: 3, actionSpace: .discrete(count: 2),
            hiddenWidths: [6], activation: .tanh, initialLogStd: 0,
            sourceFeatures: [[-1, 0.5], [0.2, 1], [1.3, -0.4]], rng: &rng)
        // Move every parameter away from its special starting value (zero B, near-zero
        // logits, zero gate weights, tiny policy head) so that every path carries gradient.
        for (index, parameter) in network.parameters.enumerated() {
            parameter.value = FiniteDifference.random(
                rows: parameter.value.rows, columns: parameter.value.columns,
                seed: UInt64(100 + index))
        }
        network.router.book!.gateBias.value = Matrix([[-0.5, 0.4]])
        inputs = FiniteDifference.random(rows: rowRequests.count, columns: 3, seed: 40, scale: 2)
        actorProbe = FiniteDifference.random(rows: rowRequests.count, columns: 2, seed: 41, scale: 3)
        criticProbe = FiniteDifference.random(rows: rowRequests.count, columns: 1, seed: 42, scale: 3)
    }

    func loss() -> Double {
        let mixtures = requests.map(network.resolve)
        let groups = network.groups(rowMixtures: rowRequests, mixtures: mixtures).groups
        return FiniteDifference.dot(network.actor.forward(inputs, groups: groups), actorProbe)
            + FiniteDifference.dot(network.critic.forward(inputs, groups: groups), criticProbe)
    }

    func computeGradients() {
        network.zeroGradients()
        let mixtures = requests.map(network.resolve)
        let (groups, indices) = network.groups(rowMixtures: rowRequests, mixtures: mixtures)
        _ = network.actor.forward(inputs, groups: groups)
        _ = network.critic.forward(inputs, groups: groups)
        let actorGradients = network.actor.backward(actorProbe).mixtures
        let criticGradients = network.critic.backward(criticProbe).mixtures
        network.backwardRouting(
            resolved: indices.map { mixtures[$0] }, actorGradients: actorGradients,
            criticGradients: criticGradients)
    }

    func check(_ group: ParameterGroup, file: StaticString = #filePath, line: UInt = #line) {
        computeGradients()
        let parameters = network.parameters(in: group)
        XCTAssertFalse(parameters.isEmpty, file: file, line: line)
        for parameter in parameters {
            FiniteDifference.check(parameter, loss: loss, file: file, line: line)
        }
    }

    func testAdapterGradients() { check(.adapters) }

    func testRoutingLogitGradients() { check(.routing) }

    func testBaseAndHeadGradients() {
        check(.base)
        check(.heads)
    }

    func testBookEmbeddingGradients() {
        computeGradients()
        FiniteDifference.check(network.router.book!.embeddings, loss: loss)
    }

    func testQueryGradients() {
        computeGradients()
        FiniteDifference.check(network.router.book!.queryWeight, loss: loss)
        FiniteDifference.check(network.router.book!.queryBias, loss: loss)
    }

    func testGateGradients() {
        computeGradients()
        FiniteDifference.check(network.router.book!.gateWeight, loss: loss)
        FiniteDifference.check(network.router.book!.gateBias, loss: loss)
    }
}
