import Foundation

/// The locking mode of a transaction at BEGIN.
public enum TransactionKind: String, Sendable {
    /// Takes no lock until the first read, and the write lock at the first write.
    ///
    /// Use it only for transactions that read. A deferred transaction that reads and then
    /// writes can fail with `SQLITE_BUSY` at the write without calling the busy handler,
    /// because another connection may have written since its read snapshot was taken.
    case deferred = "DEFERRED"
    /// Takes the write lock at BEGIN, waiting for it under the busy timeout.
    ///
    /// Writers use it, so that no writer waits for the write lock while it holds a read
    /// snapshot. Two writers that both did could deadlock.
    case immediate = "IMMEDIATE"
}

extension Database {
    /// Runs `body` in a transaction, committing when it returns and rolling back when it
    /// throws.
    ///
    /// Inside an open transaction, `body` runs in a savepoint instead. A thrown error then
    /// rolls back only the savepoint's changes before it propagates to the outer transaction.
    ///
    /// - Parameters:
    ///   - kind: How the outermost transaction takes its locks; nested calls ignore it.
    ///   - body: The work to run; it may call `transaction` again.
    /// - Returns: What `body` returns.
    /// - Throws: The error thrown by `body`, or `SQLiteError` when BEGIN or COMMIT fails.
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T)
        throws -> T
    {
        if isInTransaction {
            return try savepoint(body)
        }
        try execute("BEGIN \(kind.rawValue)")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            rollBackOpenTransaction()
            throw error
        }
    }

    private func savepoint<T>(_ body: () throws -> T) throws -> T {
        // Savepoints with one name nest: ROLLBACK TO and RELEASE act on the innermost one.
        try execute("SAVEPOINT ctxrl_nested")
        do {
            let result = try body()
            try execute("RELEASE ctxrl_nested")
            return result
        } catch {
            if isInTransaction {
                try? execute("ROLLBACK TO ctxrl_nested")
                try? execute("RELEASE ctxrl_nested")
            }
            throw error
        }
    }

    private func rollBackOpenTransaction() {
        // Some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM among them) make SQLite roll
        // back by itself, after which a ROLLBACK would fail, so only an open transaction is
        // rolled back. A failed ROLLBACK is ignored because the caller needs the original
        // error; since SQLite 3.7.11 pending statements no longer make ROLLBACK fail.
        guard isInTransaction else { return }
        try? execute("ROLLBACK")
    }
}
