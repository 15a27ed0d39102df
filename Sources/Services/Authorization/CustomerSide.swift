public import Counter
import Crypto
import Foundation
import Storage

/// What the customer saw and signed, for whoever decides a counter transaction: the confirmation view exactly as
/// the screen showed it (masked as the form says) and the handwritten strokes, so the officer judges the customer's
/// own confirmation, not only the teller's account of it.
public struct CustomerSide: Sendable, Encodable {
    public let view: ConfirmationView
    /// Each stroke as [x, y] points, x and y as fractions of the pad.
    public let strokes: [[[Double]]]
}

extension AuthorizationDesk {
    /// The customer side of a booked counter transaction; nil for a transaction that did not come from the counter.
    /// A record that does not open or does not match its digest is an error, never shown.
    public func customerSide(transaction: String) async throws -> CustomerSide? {
        guard let found = try await repository.customerSide(transaction: transaction) else { return nil }
        let (view, strokes) = try CustomerSide.open(found, transaction: transaction, dataKey: dataKey)
        return CustomerSide(view: view, strokes: strokes.map { stroke in stroke.map { [$0.x, $0.y] } })
    }
}

extension CustomerSide {
    /// The confirmed view and the strokes (with their times and pressures) opened from their seals; the strokes must
    /// match the digest recorded with them.
    static func open(_ found: CounterStore.CustomerSide, transaction: String, dataKey: DataKey) throws
        -> (ConfirmationView, [[SignatureInk.Point]])
    {
        let view = try dataKey.open(found.viewCiphertext, context: "counter:\(found.session):\(found.version)")
        let captured = try dataKey.open(
            found.strokesCiphertext, context: CounterDesk.strokesContext(session: found.session, version: found.version))
        guard Array(SHA256.hash(data: captured)) == found.strokesSHA256, let strokes = SignatureInk.parse(canonical: captured) else {
            throw InconsistencyError("the customer's signature of transaction \(transaction) does not match its digest")
        }
        return (try JSONDecoder().decode(ConfirmationView.self, from: Data(view)), strokes)
    }
}
