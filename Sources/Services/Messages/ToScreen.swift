public import Counter
import Forms

/// What the service tells a customer's screen (`/api/v1/counter/screen`, see openapi.yaml).
public enum ToScreen: Sendable, Equatable {
    /// The code a free screen shows for the teller to type.
    case pairing(code: String, terminal: String, expiresIn: Int, screen: Int64?)
    /// Paired into a teller's session (`resumed`: a reloaded screen finding itself in one).
    case paired(session: Int64, teller: String, resumed: Bool)
    /// A version of the transaction to show; `viewJSON` goes verbatim (its digest covers those bytes).
    case view(session: Int64, version: Int, digest: String, complete: Bool, viewJSON: String)
    /// The shown version's state changed (the customer answered, or signed, perhaps on a reloaded page).
    case state(DraftState, version: Int)
    /// The customer's answer to the view was recorded.
    case recorded(decision: ScreenStatement.Decision, version: Int, digest: String)
    case signed(version: Int)
    /// The specimen of the voucher about to be signed, base64.
    case preview(version: Int, digest: String, pdf: String)
    /// The session ended with a receipt the customer can take away.
    case receipt(path: String, voucher: String)
    /// The session ended without one (`rejected`: the customer refused).
    case cancelled(session: Int64, rejected: Bool)
    /// Prove you hold the enrolled key: sign this.
    case challenge(nonce: String)
    case error(code: ScreenRefusalCode, message: String)

    public var text: String {
        switch self {
        case .view(let session, let version, let digest, let complete, let viewJSON):
            WireJSON.text(View(session: session, version: version, digest: digest, complete: complete), then: "view", verbatim: viewJSON)
        default:
            WireJSON.text(Fields(self))
        }
    }

    private struct View: Encodable {
        let type = "view"
        let session: Int64
        let version: Int
        let digest: String
        let complete: Bool
    }

    /// Every other message, as the members it has.
    private struct Fields: Encodable {
        let type: String
        var code: String?
        var terminal: String?
        var expiresIn: Int?
        var screen: Int64?
        var session: Int64?
        var teller: String?
        var resumed: Bool?
        var state: DraftState?
        var version: Int?
        var decision: ScreenStatement.Decision?
        var digest: String?
        var pdf: String?
        var path: String?
        var voucher: String?
        var reason: String?
        var nonce: String?
        var message: String?
        var text: LocalizedText?

        enum CodingKeys: String, CodingKey {
            case type, code, terminal, screen, session, teller, resumed, state, version, decision, digest, pdf, path, voucher, reason,
                nonce, message, text
            case expiresIn = "expires_in"
        }

        init(_ message: ToScreen) {
            switch message {
            case .pairing(let code, let terminal, let expiresIn, let screen):
                type = "pairing"
                self.code = code
                self.terminal = terminal
                self.expiresIn = expiresIn
                self.screen = screen
            case .paired(let session, let teller, let resumed):
                type = "paired"
                self.session = session
                self.teller = teller
                self.resumed = resumed ? true : nil
            case .view: preconditionFailure("a view is encoded with its verbatim member")
            case .state(let state, let version):
                type = "state"
                self.state = state
                self.version = version
            case .recorded(let decision, let version, let digest):
                type = "recorded"
                self.decision = decision
                self.version = version
                self.digest = digest
            case .signed(let version):
                type = "signed"
                self.version = version
            case .preview(let version, let digest, let pdf):
                type = "preview"
                self.version = version
                self.digest = digest
                self.pdf = pdf
            case .receipt(let path, let voucher):
                type = "receipt"
                self.path = path
                self.voucher = voucher
            case .cancelled(let session, let rejected):
                type = "cancelled"
                self.session = session
                self.reason = rejected ? "rejected" : nil
            case .challenge(let nonce):
                type = "challenge"
                self.nonce = nonce
            case .error(let code, let message):
                type = "error"
                self.code = code.rawValue
                self.message = message
                self.text = ErrorCatalogue.text(code.rawValue)
            }
        }
    }
}
