public import Foundation

/// Files of this repository that tests read: rules, forms, the OpenAPI document, browser scripts.
public enum Repository {
    /// The checkout's root, found from this file's place in it (Tests/TestSupport/Repository.swift).
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// Where tests keep evidence for people to look at (screenshots); git-ignored, kept after the run.
    public static func artifacts(_ name: String) -> String { path("test-artifacts/\(name)") }
}

/// A child program run to completion without blocking a thread of the concurrency pool: its output goes to files,
/// and the exit arrives through the termination handler.
public enum ChildProcess {
    public struct Result: Sendable {
        public let status: Int32
        public let output: String
        public let errors: String
    }

    /// With `timeout`, a program still running then is terminated (its status is then SIGTERM's).
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:], timeout: Duration? = nil)
        async throws -> Result
    {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (outURL, errURL) = (folder.appendingPathComponent("out"), folder.appendingPathComponent("err"))
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let (out, err) = (try FileHandle(forWritingTo: outURL), try FileHandle(forWritingTo: errURL))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = out
        process.standardError = err
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let watchdog = timeout.map { limit in
            Task {
                try await Task.sleep(for: limit)
                if process.isRunning { process.terminate() }
            }
        }
        defer { watchdog?.cancel() }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        try out.close()
        try err.close()
        return Result(
            status: status, output: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            errors: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }
}
