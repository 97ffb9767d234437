import Foundation

/// An error in a transfer-matrix file or in the bounds given for it.
public enum TransferMatrixError: Error, Equatable, CustomStringConvertible {
    /// The file cannot be read or written.
    case fileAccess(path: String, reason: String)
    /// The text contains no rows of returns.
    case empty
    /// A field is not a number.
    case invalidNumber(line: Int, column: Int, text: String)
    /// A field is NaN or infinite.
    case nonFinite(line: Int, column: Int)
    /// A row has a different number of fields from the first row of returns.
    case raggedRow(line: Int, count: Int, expected: Int)
    /// The header has a different number of labels from the rows of returns.
    case headerLength(count: Int, expected: Int)
    /// The rows do not form an N x N matrix, with or without one multi-task row.
    case notSquare(rows: Int, columns: Int)
    /// A quoted field is not closed.
    case unterminatedQuote(line: Int)
    /// The return bounds have no width.
    case invalidBounds(lower: Double, upper: Double)
    /// No bounds were given and every return is the same, so none can be inferred.
    case constantReturns(value: Double)

    public var description: String {
        switch self {
        case .fileAccess(let path, let reason):
            return "cannot access transfer matrix \(path): \(reason); check the path"
        case .empty:
            return "the transfer matrix has no rows; write one row of returns per source"
        case .invalidNumber(let line, let column, let text):
            return "line \(line), column \(column): '\(text)' is not a number; write each "
                + "return as a decimal number"
        case .nonFinite(let line, let column):
            return "line \(line), column \(column) is not finite; every return must be a "
                + "finite number"
        case .raggedRow(let line, let count, let expected):
            return "line \(line) has \(count) fields where earlier rows have \(expected); give "
                + "every row one return per target"
        case .headerLength(let count, let expected):
            return "the header has \(count) labels for \(expected) targets; give one label per "
                + "target or no header"
        case .notSquare(let rows, let columns):
            return "the transfer matrix has \(rows) rows and \(columns) columns; give N rows "
                + "of N returns (sources by targets), optionally followed by one row of the "
                + "multi-task policy's returns"
        case .unterminatedQuote(let line):
            return "line \(line) opens a quoted field that never closes; close it with '\"'"
        case .invalidBounds(let lower, let upper):
            return "return bounds \(lower),\(upper) are invalid; give a finite LO below HI"
        case .constantReturns(let value):
            return "every return is \(value), so no bounds can be inferred; give the bounds "
                + "LO,HI explicitly"
        }
    }
}

// MARK: - CSV

extension TransferMatrix {
    /// Reads a matrix from CSV text.
    ///
    /// The format: one row per source, one column per target, raw returns as decimal numbers.
    /// An N x N matrix may be followed by one more row, the returns of a multi-task policy on
    /// each target. A first row with any field that is not a number is a header of context
    /// labels (a header of plain numbers would read as returns, so labels such as
    /// `length=0.5` are safer). Fields may be quoted as in RFC 4180; blank lines are skipped.
    ///
    /// - Parameters:
    ///   - text: The CSV text.
    ///   - returnBounds: The returns that normalise to 0 and 1. When nil, the smallest and
    ///     largest return in the file are used.
    /// - Throws: `TransferMatrixError` naming the line and column at fault.
    public init(csv text: String, returnBounds: ClosedRange<Double>?) throws {
        var records = try CSVRecords.parse(text)
        guard !records.isEmpty else { throw TransferMatrixError.empty }
        var labels: [String]?
        if records[0].fields.contains(where: { Double($0) == nil }) {
            labels = records.removeFirst().fields
        }
        guard let first = records.first else { throw TransferMatrixError.empty }

        // Numbers
        let columns = first.fields.count
        var rows: [[Double]] = []
        for record in records {
            guard record.fields.count == columns else {
                throw TransferMatrixError.raggedRow(
                    line: record.line, count: record.fields.count, expected: columns)
            }
            rows.append(
                try record.fields.enumerated().map { column, field in
                    guard let value = Double(field) else {
                        throw TransferMatrixError.invalidNumber(
                            line: record.line, column: column + 1, text: field)
                    }
                    guard value.isFinite else {
                        throw TransferMatrixError.nonFinite(line: record.line, column: column + 1)
                    }
                    return value
                })
        }

        // Shape: N x N, or N + 1 rows with the multi-task row last
        var multitask: [Double]?
        if rows.count == columns + 1 {
            multitask = rows.removeLast()
        } else if rows.count != columns {
            throw TransferMatrixError.notSquare(rows: rows.count, columns: columns)
        }
        if let labels, labels.count != columns {
            throw TransferMatrixError.headerLength(count: labels.count, expected: columns)
        }

        // Bounds
        let bounds: ClosedRange<Double>
        if let returnBounds {
            bounds = try Self.checkedBounds(returnBounds.lowerBound, returnBounds.upperBound)
        } else {
            let all = rows.joined() + (multitask ?? [])
            let lower = all.min()!
            let upper = all.max()!
            guard lower < upper else { throw TransferMatrixError.constantReturns(value: lower) }
            bounds = lower...upper
        }
        self.init(returns: rows, returnBounds: bounds, labels: labels, multitaskReturns: multitask)
    }

    /// Checks user-given return bounds: both finite, the lower below the upper.
    ///
    /// - Throws: `TransferMatrixError.invalidBounds`.
    public static func checkedBounds(
        _ lower: Double, _ upper: Double
    ) throws -> ClosedRange<Double> {
        guard lower.isFinite, upper.isFinite, lower < upper else {
            throw TransferMatrixError.invalidBounds(lower: lower, upper: upper)
        }
        return lower...upper
    }

    /// Reads a matrix from a CSV file; see `init(csv:returnBounds:)` for the format.
    ///
    /// - Throws: `TransferMatrixError.fileAccess` when the file cannot be read, and the
    ///   errors of `init(csv:returnBounds:)`.
    public static func read(path: String, returnBounds: ClosedRange<Double>?) throws -> Self {
        guard FileManager.default.fileExists(atPath: path) else {
            throw TransferMatrixError.fileAccess(path: path, reason: "no such file")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw TransferMatrixError.fileAccess(
                path: path, reason: "it cannot be read as UTF-8 text")
        }
        return try TransferMatrix(csv: text, returnBounds: returnBounds)
    }

    /// The matrix as CSV: the header of labels when there are labels, one row of raw returns
    /// per source, then the multi-task row when there is one.
    ///
    /// Numbers print in Swift's shortest form that reads back to the same `Double`, so
    /// `init(csv:returnBounds:)` restores the returns exactly.
    public func csv() -> String {
        var lines: [String] = []
        if let labels { lines.append(labels.map(CSVRecords.quoted).joined(separator: ",")) }
        for row in returns { lines.append(row.map { "\($0)" }.joined(separator: ",")) }
        if let multitaskReturns {
            lines.append(multitaskReturns.map { "\($0)" }.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `csv()` to a file, replacing it.
    ///
    /// - Throws: `TransferMatrixError.fileAccess` when the file cannot be written.
    public func write(path: String) throws {
        do {
            try csv().write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw TransferMatrixError.fileAccess(
                path: path, reason: "writing failed (\(error.localizedDescription))")
        }
    }
}

/// A minimal RFC 4180 reader: commas separate fields, double quotes enclose fields that hold
/// commas, quotes or line breaks, and a doubled quote inside them is one quote.
enum CSVRecords {
    struct Record {
        /// The 1-based line on which the record starts.
        var line: Int
        /// The fields, unquoted; unquoted fields are trimmed of spaces.
        var fields: [String]
    }

    static func parse(_ text: String) throws -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var isQuoted = false
        var fieldWasQuoted = false
        var line = 1
        var recordLine = 1

        func endField() {
            fields.append(fieldWasQuoted ? field : field.trimmingCharacters(in: .whitespaces))
            field = ""
            fieldWasQuoted = false
        }
        func endRecord() {
            endField()
            // A blank line gives one empty field; skip it.
            if fields != [""] { records.append(Record(line: recordLine, fields: fields)) }
            fields = []
        }

        var characters = text.makeIterator()
        var pending = characters.next()
        while let character = pending {
            pending = characters.next()
            if isQuoted {
                if character == "\"" {
                    if pending == "\"" {
                        field.append("\"")
                        pending = characters.next()
                    } else {
                        isQuoted = false
                    }
                } else {
                    if character.isNewline { line += 1 }
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where field.allSatisfy(\.isWhitespace):
                field = ""
                isQuoted = true
                fieldWasQuoted = true
            case ",":
                endField()
            case "\n", "\r\n", "\r":
                endRecord()
                line += 1
                recordLine = line
            default:
                field.append(character)
            }
        }
        if isQuoted { throw TransferMatrixError.unterminatedQuote(line: recordLine) }
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted { endRecord() }
        return records
    }

    /// Quotes the field when it contains a comma, a quote or a line break.
    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else {
            return field
        }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
