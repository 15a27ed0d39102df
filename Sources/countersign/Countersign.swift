import ArgumentParser

@main
struct Countersign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "countersign",
        abstract: "Paperless bank counter and centralized transaction authorization.",
        subcommands: [
            Serve.self, Migrate.self, Seed.self, RulesCommand.self, DirectoryCommand.self, UsersCommand.self, AdminCommand.self, AuditCommand.self,
            CertsCommand.self,
            SealsCommand.self,
            VoucherCommand.self, ReportCommand.self,

        ])
}
