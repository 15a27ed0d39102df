public import Foundation

/// A directory file (`Seeds/demo-directory.json`): accounts with their type and their holder's risk, and customers
/// (by resident ID) with their risk, for the built-in directory.
public enum DirectoryFile {
    struct Raw: Decodable {
        struct Account: Decodable {
            let account: String
            let accountType: String
            let customerRisk: String
            enum CodingKeys: String, CodingKey {
                case account
                case accountType = "account_type"
                case customerRisk = "customer_risk"
            }
        }
        struct Customer: Decodable {
            let customer: String
            let customerRisk: String
            enum CodingKeys: String, CodingKey {
                case customer
                case customerRisk = "customer_risk"
            }
        }
        let accounts: [Account]
        let customers: [Customer]
    }

    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    public static func parse(_ data: Data) throws -> [(DirectorySubject, CustomerFacts)] {
        let raw: Raw
        do { raw = try JSONDecoder().decode(Raw.self, from: data) } catch { throw Problem(description: "not a directory file: \(error)") }
        let word = /^[a-z][a-z-]{1,40}$/
        let accounts = try raw.accounts.map { entry in
            guard entry.account.wholeMatch(of: /[0-9 ]{8,34}/) != nil, entry.accountType.wholeMatch(of: word) != nil,
                entry.customerRisk.wholeMatch(of: word) != nil
            else { throw Problem(description: "account entry \(entry.account.prefix(34)): number, account_type or customer_risk malformed") }
            return (DirectorySubject.account(entry.account), CustomerFacts(accountType: entry.accountType, customerRisk: entry.customerRisk))
        }
        let customers = try raw.customers.map { entry in
            guard entry.customer.wholeMatch(of: /[0-9]{17}[0-9Xx]/) != nil, entry.customerRisk.wholeMatch(of: word) != nil else {
                throw Problem(description: "customer entry: resident ID or customer_risk malformed")
            }
            return (DirectorySubject.customer(entry.customer), CustomerFacts(accountType: nil, customerRisk: entry.customerRisk))
        }
        return accounts + customers
    }
}
