public import Logging
public import ServiceLifecycle

/// Rolls today's figures (and yesterday's once more) every few minutes, so that reports are at most that old. Every
/// instance runs it; the database lets one roll at a time, and a roll replaces what it rolls, so they do not clash.
public struct ReportRollService: Service {
    let desk: ReportDesk
    let logger: Logger
    let interval: Duration

    public init(desk: ReportDesk, logger: Logger, interval: Duration = .seconds(300)) {
        (self.desk, self.logger, self.interval) = (desk, logger, interval)
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            for (day, error) in await desk.rollRecent() {
                logger.error("report roll failed", metadata: ["day": "\(day)", "error": "\(error)"])
            }
            // Minutes between rolls: the wait ends at once when the service shuts down.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
