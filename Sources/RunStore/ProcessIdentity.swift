#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process and host that own a run, as stored in `runs.pid` and `runs.host`.
struct ProcessIdentity: Equatable {
    var host: String
    var pid: Int32

    /// The current process.
    static var current: ProcessIdentity {
        ProcessIdentity(host: currentHostName(), pid: getpid())
    }

    /// Reads the host name with `gethostname`, which only copies the kernel's name and never
    /// queries DNS (Foundation's `ProcessInfo.hostName` may).
    private static func currentHostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
        let length = buffer.firstIndex(of: 0) ?? buffer.count
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Returns whether a process with this pid exists on this host.
    ///
    /// `kill(pid, 0)` delivers no signal but checks the pid: it fails with ESRCH when no such
    /// process exists and with EPERM when one exists that belongs to another user.
    ///
    /// NOTE: the kernel reuses pids, so a pid taken over by an unrelated process counts as
    /// alive, and an unreaped zombie child counts as alive until its parent waits for it.
    func isAlive() -> Bool {
        guard pid > 0 else { return false }
        if kill(pid, 0) == 0 { return true }
        return errno == EPERM
    }
}
