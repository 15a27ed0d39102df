import Counter
import Foundation
import Kernel
import Storage

/// Whether what the enrolled screen signed for a transaction holds: both statements verify with the screen's key,
/// are written in their one canonical form, and name exactly the session, version, decisions and digests the
/// voucher is made from. Checked before a voucher is made and again by `/verify`.
enum ScreenEvidence {
    static func holds(_ screen: ScreenStatements) -> Bool {
        let view = screen.viewDigest.hexString
        let expected: [(text: String, signature: [UInt8], decision: ScreenStatement.Decision, strokes: String?)] = [
            (screen.confirmation.text, screen.confirmation.signature, .confirm, nil),
            (screen.signature.text, screen.signature.signature, .sign, screen.strokesSHA256.hexString),
        ]
        return expected.allSatisfy { item in
            guard let statement = try? ScreenStatement.verified(text: item.text, signature: item.signature, publicKey: screen.publicKey) else {
                return false
            }
            return statement.device == screen.device && statement.session == screen.session && statement.version == screen.version
                && statement.decision == item.decision && statement.viewSHA256 == view && statement.strokesSHA256 == item.strokes
        }
    }
}
