import Foundation
import Numerics

/// An error reading or applying a checkpoint.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
    /// The bytes are not a checkpoint in the safetensors layout.
    case malformed(String)
    /// A tensor the model needs is not in the checkpoint.
    case missingTensor(String)
    /// A tensor exists with another shape than the model's.
    case shapeMismatch(name: String, expected: [Int], found: [Int])

    public var description: String {
        switch self {
        case .malformed(let reason):
            return "checkpoint is malformed: \(reason)"
        case .missingTensor(let name):
            return "checkpoint has no tensor '\(name)'; it was saved from a different model"
        case .shapeMismatch(let name, let expected, let found):
            return "checkpoint tensor '\(name)' has shape \(found) but the model needs "
                + "\(expected); rebuild the model with the settings it was saved with"
        }
    }
}

/// Named tensors and string metadata, stored in the safetensors layout so that Python can read
/// them with `safetensors.numpy.load`.
///
/// Layout: an 8-byte little-endian header length N; N bytes of UTF-8 JSON mapping each tensor
/// name to `{"dtype": "F32" | "F64", "shape": [rows, columns], "data_offsets": [begin, end]}`
/// plus a `"__metadata__"` object of strings; then the little-endian tensor bytes, each
/// tensor at its offsets relative to the end of the header. Matrices keep their 2-D shape.
public struct Checkpoint: Equatable, Sendable {
    /// Single-precision tensors by name (network parameters and optimizer moments).
    public var floatTensors: [String: Matrix<Float>] = [:]
    /// Double-precision tensors by name (normaliser statistics).
    public var doubleTensors: [String: Matrix<Double>] = [:]
    /// Free-form strings by key, such as the optimizer step or the configuration JSON.
    public var metadata: [String: String] = [:]

    public init() {}

    /// Adds every parameter of `owner` under its name.
    public mutating func add(_ owner: some ParameterOwner) {
        for parameter in owner.parameters { floatTensors[parameter.name] = parameter.value }
    }

    /// Adds the moments and step count of `optimizer`.
    public mutating func add(_ optimizer: Adam) {
        for (name, value) in optimizer.stateTensors { floatTensors[name] = value }
        metadata["adam.step"] = String(optimizer.stepCount)
    }

    /// The single-precision tensor `name`, checked against `shape`.
    ///
    /// - Throws: `CheckpointError.missingTensor` or `.shapeMismatch`; never a fresh value.
    public func tensor(_ name: String, shape: (Int, Int)) throws -> Matrix<Float> {
        guard let tensor = floatTensors[name] else { throw CheckpointError.missingTensor(name) }
        guard tensor.rows == shape.0 && tensor.columns == shape.1 else {
            throw CheckpointError.shapeMismatch(
                name: name, expected: [shape.0, shape.1], found: [tensor.rows, tensor.columns])
        }
        return tensor
    }

    /// Copies the stored values into every parameter of `owner`. Nothing changes unless every
    /// tensor is present with the right shape.
    ///
    /// - Throws: `CheckpointError.missingTensor` or `.shapeMismatch`.
    public func load(into owner: some ParameterOwner) throws {
        let values = try owner.parameters.map { parameter in
            try tensor(parameter.name, shape: (parameter.value.rows, parameter.value.columns))
        }
        for (parameter, value) in zip(owner.parameters, values) { parameter.value = value }
    }
}

// MARK: - Encoding

extension Checkpoint {
    private struct TensorHeader: Codable {
        var dtype: String
        var shape: [Int]
        var data_offsets: [Int]
    }

    /// The checkpoint in the safetensors byte layout.
    public func encoded() -> Data {
        var header: [String: Any] = [:]
        var payload = Data()
        for name in floatTensors.keys.sorted() {
            let tensor = floatTensors[name]!
            let begin = payload.count
            for value in tensor.storage { appendLittleEndian(value.bitPattern, to: &payload) }
            header[name] = tensorEntry("F32", tensor.rows, tensor.columns, begin, payload.count)
        }
        for name in doubleTensors.keys.sorted() {
            let tensor = doubleTensors[name]!
            let begin = payload.count
            for value in tensor.storage { appendLittleEndian(value.bitPattern, to: &payload) }
            header[name] = tensorEntry("F64", tensor.rows, tensor.columns, begin, payload.count)
        }
        header["__metadata__"] = metadata
        // Sorted keys make equal checkpoints byte-identical.
        var json = try! JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // safetensors pads the header with spaces to a multiple of 8 bytes.
        while json.count % 8 != 0 { json.append(0x20) }
        var result = Data()
        appendLittleEndian(UInt64(json.count), to: &result)
        result.append(json)
        result.append(payload)
        return result
    }

    private func tensorEntry(
        _ dtype: String, _ rows: Int, _ columns: Int, _ begin: Int, _ end: Int
    ) -> [String: Any] {
        ["dtype": dtype, "shape": [rows, columns], "data_offsets": [begin, end]]
    }

    /// Reads a checkpoint written by `encoded()`.
    ///
    /// - Throws: `CheckpointError.malformed` naming what is wrong.
    public init(decoding data: Data) throws {
        self.init()
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else { throw CheckpointError.malformed("shorter than 8 bytes") }
        let headerLength = Int(readLittleEndian(UInt64.self, bytes, at: 0))
        guard headerLength <= bytes.count - 8 else {
            throw CheckpointError.malformed("header length \(headerLength) exceeds the file")
        }
        let headerData = Data(bytes[8..<(8 + headerLength)])
        guard let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any]
        else { throw CheckpointError.malformed("header is not a JSON object") }
        let payloadStart = 8 + headerLength
        for (name, entry) in header {
            if name == "__metadata__" {
                metadata = entry as? [String: String] ?? [:]
                continue
            }
            guard let entry = entry as? [String: Any],
                let dtype = entry["dtype"] as? String,
                let shape = entry["shape"] as? [Int], shape.count == 2,
                let offsets = entry["data_offsets"] as? [Int], offsets.count == 2
            else { throw CheckpointError.malformed("tensor '\(name)' has an invalid entry") }
            let begin = payloadStart + offsets[0]
            let end = payloadStart + offsets[1]
            let width = dtype == "F64" ? 8 : 4
            guard dtype == "F32" || dtype == "F64",
                begin <= end, end <= bytes.count, (end - begin) == shape[0] * shape[1] * width
            else { throw CheckpointError.malformed("tensor '\(name)' has inconsistent bytes") }
            let count = shape[0] * shape[1]
            if dtype == "F32" {
                let values = (0..<count).map {
                    Float(bitPattern: readLittleEndian(UInt32.self, bytes, at: begin + 4 * $0))
                }
                floatTensors[name] = Matrix(rows: shape[0], columns: shape[1], storage: values)
            } else {
                let values = (0..<count).map {
                    Double(bitPattern: readLittleEndian(UInt64.self, bytes, at: begin + 8 * $0))
                }
                doubleTensors[name] = Matrix(rows: shape[0], columns: shape[1], storage: values)
            }
        }
    }
}

private func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to data: inout Data) {
    withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
}

private func readLittleEndian<T: FixedWidthInteger>(_: T.Type, _ bytes: [UInt8], at offset: Int)
    -> T
{
    var value: T = 0
    for index in 0..<MemoryLayout<T>.size {
        value |= T(bytes[offset + index]) << (8 * index)
    }
    return value
}
