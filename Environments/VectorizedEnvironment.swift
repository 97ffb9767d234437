import Numerics

/// Many copies of one contextual environment, each with its own params and random stream,
/// stepped together over contiguous storage.
///
/// Copy `i` draws from `RandomStream(seed: seed).child(i)`, so its first reset state equals
/// that of a single copy seeded with the same child stream. A copy whose episode terminates
/// or reaches the time limit is reset within the same `step` call. Its `finalObservations`
/// entry keeps the last observation of the ended episode, and its `observations` entry is the
/// first observation of the next one.
///
/// Copies that share params share one entry of a params table and store only its index, so
/// that the step loop reads 4 bytes of params per copy when few contexts repeat across many
/// copies, as in training.
///
/// Calls through `any VectorEnvironment` run code specialized for `Environment`, because the
/// initializer stores a closure that it creates while `Environment` is concrete. The
/// initializers are `@inlinable` so that this also holds when another module creates the
/// environment.
public final class VectorizedEnvironment<Environment: ContextualEnvironment>: VectorEnvironment {
    /// The validated, complete context of each copy.
    public let contexts: [Context]
    /// The number of copies.
    public let count: Int

    /// The distinct params of the copies.
    @usableFromInline let paramsTable: UnsafeMutablePointer<Environment.Params>
    @usableFromInline let paramsTableCount: Int

    // The class owns these buffers of `count` elements each and frees them in `deinit`.
    @usableFromInline let paramsIndices: UnsafeMutablePointer<Int32>
    @usableFromInline let stateStorage: UnsafeMutablePointer<Environment.State>
    @usableFromInline let streamStorage: UnsafeMutablePointer<RandomStream>
    @usableFromInline let elapsedStorage: UnsafeMutablePointer<Int32>
    @usableFromInline var hasReset = false

    /// The step loop, specialized for `Environment` where the initializer was specialized.
    @usableFromInline
    let stepKernel: (VectorizedEnvironment, UnsafeBufferPointer<Double>, inout VectorStep) -> Void

    // MARK: - Creating

    /// Creates one copy per context.
    ///
    /// Call `reset()` before the first `step`.
    ///
    /// - Throws: `ContextError` when a context has an unknown feature or a value that is not
    ///   finite or outside its bounds.
    @inlinable
    public convenience init(contexts: [Context], seed: UInt64) throws {
        let params = try contexts.map { try Environment.Params(context: $0) }
        let complete = try contexts.map { try Environment.contextSpace.validated($0) }
        self.init(params: params, contexts: complete, seed: seed)
    }

    /// Creates one copy per params value, for settings that are not context features such
    /// as CartPole's integrator.
    ///
    /// `contexts[i]` is reported as the context of copy `i` and should describe `params[i]`.
    /// Call `reset()` before the first `step`.
    @inlinable
    public init(params: [Environment.Params], contexts: [Context], seed: UInt64) {
        precondition(params.count == contexts.count, "expected one context per params value")
        precondition(!params.isEmpty, "a vectorized environment needs at least one copy")
        precondition(params.count <= Int(Int32.max), "too many copies: \(params.count)")
        let count = params.count
        self.count = count
        self.contexts = contexts
        let root = RandomStream(seed: seed)

        var distinct: [Environment.Params] = []
        var positions: [Environment.Params: Int32] = [:]
        paramsIndices = .allocate(capacity: count)
        for (index, value) in params.enumerated() {
            if positions[value] == nil {
                positions[value] = Int32(distinct.count)
                distinct.append(value)
            }
            (paramsIndices + index).initialize(to: positions[value]!)
        }
        paramsTableCount = distinct.count
        paramsTable = .allocate(capacity: distinct.count)
        paramsTable.initialize(from: distinct, count: distinct.count)
        streamStorage = .allocate(capacity: count)
        stateStorage = .allocate(capacity: count)
        elapsedStorage = .allocate(capacity: count)
        elapsedStorage.initialize(repeating: 0, count: count)
        for index in 0..<count {
            let stream = root.child(index)
            (streamStorage + index).initialize(to: stream)
            // A placeholder state from a throwaway copy of the stream, so that the memory is
            // initialized while `reset()` still draws the stream's first numbers.
            var scratch = stream
            (stateStorage + index).initialize(
                to: Environment.reset(params: params[index], rng: &scratch))
        }
        stepKernel = { environment, actions, result in
            environment.advance(actions, into: &result)
        }
    }

    deinit {
        paramsTable.deinitialize(count: paramsTableCount)
        paramsTable.deallocate()
        paramsIndices.deinitialize(count: count)
        paramsIndices.deallocate()
        stateStorage.deinitialize(count: count)
        stateStorage.deallocate()
        streamStorage.deinitialize(count: count)
        streamStorage.deallocate()
        elapsedStorage.deinitialize(count: count)
        elapsedStorage.deallocate()
    }

    // MARK: - Inspecting

    /// The params of each copy.
    public var params: [Environment.Params] {
        (0..<count).map { paramsTable[Int(paramsIndices[$0])] }
    }

    /// The current state of each copy.
    public var states: [Environment.State] {
        Array(UnsafeBufferPointer(start: stateStorage, count: count))
    }

    /// The number of steps each copy has taken in its current episode.
    public var elapsedSteps: [Int] {
        (0..<count).map { Int(elapsedStorage[$0]) }
    }

    // MARK: - VectorEnvironment

    public var observationSize: Int { Environment.observationSize }

    public var actionSpace: ActionSpace { Environment.actionSpace }

    public func actionBounds(copy index: Int) -> (lower: [Double], upper: [Double]) {
        precondition(0 <= index && index < count, "copy \(index) out of 0..<\(count)")
        return Environment.actionBounds(params: paramsTable[Int(paramsIndices[index])])
    }

    /// Resets every copy from its stream and returns the flattened observations.
    ///
    /// - Complexity: O(`count`).
    public func reset() -> [Float] {
        let size = Environment.observationSize
        hasReset = true
        return [Float](unsafeUninitializedCapacity: count * size) { buffer, initialized in
            for index in 0..<count {
                let state = Environment.reset(
                    params: paramsTable[Int(paramsIndices[index])], rng: &streamStorage[index])
                stateStorage[index] = state
                elapsedStorage[index] = 0
                Environment.writeObservation(of: state, to: buffer.baseAddress! + index * size)
            }
            initialized = count * size
        }
    }

    /// Starts a new episode of copy `index` from `state` instead of a drawn one, and returns
    /// its observation.
    ///
    /// Call `reset()` once before, because it draws every copy's state.
    @discardableResult
    public func reset(copy index: Int, to state: Environment.State) -> [Float] {
        precondition(hasReset, "call reset() before reset(copy:to:)")
        precondition(0 <= index && index < count, "copy \(index) out of 0..<\(count)")
        stateStorage[index] = state
        elapsedStorage[index] = 0
        return Environment.observation(of: state)
    }

    /// Steps every copy once and resets the copies whose episodes end.
    ///
    /// - Precondition: `reset()` was called, `actions` holds one value per copy, and each
    ///   value is an index of a discrete action space or, for a box, not NaN.
    /// - Complexity: O(`count`).
    public func step(_ actions: [Double], into result: inout VectorStep) {
        actions.withUnsafeBufferPointer { actions in
            stepKernel(self, actions, &result)
        }
    }

    // MARK: - Step loop

    /// Steps every copy, writing straight into `result`'s arrays.
    @inlinable
    func advance(_ actions: UnsafeBufferPointer<Double>, into result: inout VectorStep) {
        precondition(hasReset, "call reset() before step(_:into:)")
        precondition(
            actions.count == count * Environment.actionSpace.width,
            "expected \(count * Environment.actionSpace.width) actions, got \(actions.count)")
        precondition(
            result.rewards.count == count
                && result.observations.count == count * Environment.observationSize,
            "the VectorStep was made for another number of copies")
        let copies = VectorCopies<Environment>(
            count: count, paramsTable: paramsTable, paramsIndices: paramsIndices,
            states: stateStorage, streams: streamStorage, elapsedSteps: elapsedStorage)
        result.withPointers { output in
            Environment.advanceCopies(copies, actions: actions, output: output)
        }
    }
}

// MARK: - Copies

/// The storage of a vectorized environment's copies, as a step loop uses it. Each pointer
/// addresses `count` contiguous elements, except `paramsTable`.
public struct VectorCopies<Environment: ContextualEnvironment> {
    /// The number of copies.
    public let count: Int
    /// The distinct params of the copies.
    public let paramsTable: UnsafeMutablePointer<Environment.Params>
    /// The index into `paramsTable` of each copy's params.
    public let paramsIndices: UnsafeMutablePointer<Int32>
    /// The current state of each copy.
    public let states: UnsafeMutablePointer<Environment.State>
    /// The random stream of each copy.
    public let streams: UnsafeMutablePointer<RandomStream>
    /// The number of steps each copy has taken in its current episode.
    public let elapsedSteps: UnsafeMutablePointer<Int32>

    @inlinable
    init(
        count: Int, paramsTable: UnsafeMutablePointer<Environment.Params>,
        paramsIndices: UnsafeMutablePointer<Int32>,
        states: UnsafeMutablePointer<Environment.State>,
        streams: UnsafeMutablePointer<RandomStream>, elapsedSteps: UnsafeMutablePointer<Int32>
    ) {
        self.count = count
        self.paramsTable = paramsTable
        self.paramsIndices = paramsIndices
        self.states = states
        self.streams = streams
        self.elapsedSteps = elapsedSteps
    }

    /// Returns the params of copy `index`.
    @inlinable @inline(__always)
    public func params(_ index: Int) -> Environment.Params {
        paramsTable[Int(paramsIndices[index])]
    }

    /// Converts a flattened action value, trapping on an invalid one.
    @inlinable @inline(__always)
    public func action(_ value: Double) -> Environment.Action {
        guard let action = Environment.action(from: value) else {
            preconditionFailure("invalid action \(value) for \(Environment.kind.rawValue)")
        }
        return action
    }

    /// Records the outcome of copy `index`'s step in `output` and stores its next state,
    /// which is a fresh reset state when the episode ended.
    @inlinable @inline(__always)
    public func finish(
        _ index: Int, outcome: StepOutcome<Environment.State>, output: VectorStepPointers
    ) {
        let size = Environment.observationSize
        let steps = elapsedSteps[index] + 1
        let reachedLimit = Int(steps) >= Environment.timeLimit
        let final = output.finalObservations + index * size
        let current = output.observations + index * size
        Environment.writeObservation(of: outcome.state, to: final)
        output.rewards[index] = outcome.reward
        output.terminated[index] = outcome.terminated
        output.truncated[index] = reachedLimit

        if outcome.terminated || reachedLimit {
            let fresh = Environment.reset(params: params(index), rng: &streams[index])
            states[index] = fresh
            elapsedSteps[index] = 0
            Environment.writeObservation(of: fresh, to: current)
        } else {
            states[index] = outcome.state
            elapsedSteps[index] = steps
            current.update(from: final, count: size)
        }
    }
}

// MARK: - Output pointers

/// Base addresses of a `VectorStep`'s arrays, valid only while a step loop runs.
public struct VectorStepPointers {
    /// `VectorStep.observations`.
    public let observations: UnsafeMutablePointer<Float>
    /// `VectorStep.finalObservations`.
    public let finalObservations: UnsafeMutablePointer<Float>
    /// `VectorStep.rewards`.
    public let rewards: UnsafeMutablePointer<Double>
    /// `VectorStep.terminated`.
    public let terminated: UnsafeMutablePointer<Bool>
    /// `VectorStep.truncated`.
    public let truncated: UnsafeMutablePointer<Bool>

    @inlinable
    init(
        observations: UnsafeMutablePointer<Float>,
        finalObservations: UnsafeMutablePointer<Float>, rewards: UnsafeMutablePointer<Double>,
        terminated: UnsafeMutablePointer<Bool>, truncated: UnsafeMutablePointer<Bool>
    ) {
        self.observations = observations
        self.finalObservations = finalObservations
        self.rewards = rewards
        self.terminated = terminated
        self.truncated = truncated
    }
}

extension VectorStep {
    /// Calls `body` with the base addresses of every array, which stay valid during the call.
    @inlinable
    mutating func withPointers<Result>(_ body: (VectorStepPointers) -> Result) -> Result {
        observations.withUnsafeMutableBufferPointer { observations in
            finalObservations.withUnsafeMutableBufferPointer { finalObservations in
                rewards.withUnsafeMutableBufferPointer { rewards in
                    terminated.withUnsafeMutableBufferPointer { terminated in
                        truncated.withUnsafeMutableBufferPointer { truncated in
                            body(
                                VectorStepPointers(
                                    observations: observations.baseAddress!,
                                    finalObservations: finalObservations.baseAddress!,
                                    rewards: rewards.baseAddress!,
                                    terminated: terminated.baseAddress!,
                                    truncated: truncated.baseAddress!))
                        }
                    }
                }
            }
        }
    }
}
