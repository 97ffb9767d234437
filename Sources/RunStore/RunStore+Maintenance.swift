import Foundation

extension RunStore {
    /// Marks as interrupted every running run whose owner process on this host has exited,
    /// together with its running trainings.
    ///
    /// A process killed by SIGKILL or a crash cannot record its own end, so its run stays
    /// `running`. Call this before listing or resuming runs. Runs owned by another host are
    /// left alone, because their processes cannot be checked from here.
    ///
    /// - Returns: The ids of the runs marked, in id order.
    @discardableResult
    public func markStaleRunsInterrupted(time: Date = Date()) throws -> [RunID] {
        try database.transaction {
            let candidates = try database.cachedStatement(
                "SELECT id, pid FROM runs WHERE status = 'running' AND host = ? ORDER BY id"
            ).map([.text(owner.host)]) { row in
                (RunID(rawValue: row.int64(at: 0)), Int32(truncatingIfNeeded: row.int64(at: 1)))
            }
            let stale = candidates.filter { _, pid in
                !ProcessIdentity(host: owner.host, pid: pid).isAlive()
            }
            for (run, _) in stale {
                try finishRun(run, status: .interrupted, time: time)
            }
            return stale.map { run, _ in run }
        }
    }

    /// Runs `PRAGMA integrity_check` over the whole file.
    ///
    /// - Returns: The problems SQLite found (at most 100), or an empty array when the file
    ///   is intact.
    public func integrityProblems() throws -> [String] {
        let messages = try database.prepare("PRAGMA integrity_check").map { $0.text(at: 0) }
        return messages == ["ok"] ? [] : messages
    }
}
