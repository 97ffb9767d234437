// ctxrl-store-writer: a helper process for the RunStore tests, which start several copies
// of it against one file to test locking, migration and crash handling between processes.
//
//   ctxrl-store-writer metrics PATH RUN_NAME WRITER_INDEX COUNT START_TIME
//       Waits until START_TIME (seconds since 1970), creates or joins run RUN_NAME and logs
//       COUNT values of metric "writer/WRITER_INDEX", one transaction each.
//   ctxrl-store-writer open PATH START_TIME
//       Waits until START_TIME, opens the store and creates run "open-race" with context 0.
//   ctxrl-store-writer hold PATH RUN_NAME
//       Creates run RUN_NAME, prints "ready" and sleeps until it is killed.
//
// Exit status: 0 on success, 1 when the store fails, 2 for invalid arguments.

import Foundation
import RunStore

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("ctxrl-store-writer: \(message)\n".utf8))
    exit(status)
}

func waitUntil(_ argument: String) {
    guard let startTime = Double(argument) else {
        fail("invalid START_TIME '\(argument)': expected seconds since 1970", status: 2)
    }
    let delay = startTime - Date().timeIntervalSince1970
    if delay > 0 {
        Thread.sleep(forTimeInterval: delay)
    }
}

func createRun(_ store: RunStore, name: String) throws -> RunID {
    try store.createRun(
        name: name, kind: "test", configuration: #"{"writer":true}"#, seed: 7,
        ctxrlVersion: "test")
}

func writeMetrics(_ arguments: [String]) throws {
    guard arguments.count == 5, let writer = Int(arguments[2]), let count = Int(arguments[3])
    else {
        fail("usage: metrics PATH RUN_NAME WRITER_INDEX COUNT START_TIME", status: 2)
    }
    waitUntil(arguments[4])
    let store = try RunStore(path: arguments[0])
    let run = try createRun(store, name: arguments[1])
    for step in 0..<count {
        try store.logMetric(run: run, key: "writer/\(writer)", step: step, value: Double(step))
    }
}

func openStore(_ arguments: [String]) throws {
    guard arguments.count == 2 else { fail("usage: open PATH START_TIME", status: 2) }
    waitUntil(arguments[1])
    let store = try RunStore(path: arguments[0])
    let run = try createRun(store, name: "open-race")
    try store.addContext(run: run, index: 0, features: ["length": 0.5])
}

func holdRun(_ arguments: [String]) throws -> Never {
    guard arguments.count == 2 else { fail("usage: hold PATH RUN_NAME", status: 2) }
    let store = try RunStore(path: arguments[0])
    _ = try createRun(store, name: arguments[1])
    // FileHandle writes straight to the descriptor, so the test reads the line at once.
    FileHandle.standardOutput.write(Data("ready\n".utf8))
    while true {
        sleep(60)
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch arguments.first {
    case "metrics": try writeMetrics(Array(arguments.dropFirst()))
    case "open": try openStore(Array(arguments.dropFirst()))
    case "hold": try holdRun(Array(arguments.dropFirst()))
    default: fail("expected a mode: metrics, open or hold", status: 2)
    }
} catch {
    fail("\(error)", status: 1)
}
