import Audit
import Counter
import Foundation
import Kernel
import Storage

/// A statement as the customer screen sent it with an answer or a signature: the text and its signature (base64),
/// not yet believed.
public struct SignedStatement: Sendable {
    public let text: String?
    public let signature: String?

    public init(text: String?, signature: String?) {
        self.text = text
        self.signature = signature
    }

    /// The statement, when the screen's enrolled key signed it and it says exactly what is being recorded: this
    /// device, session, version, decision and digests, at about the service's time.
    func check(
        device: ScreenDevice, session: Int64, version: Int, decision: ScreenStatement.Decision, viewSHA256: String, strokesSHA256: String?,
        now: Timestamp
    ) throws(ScreenRefusal) -> ScreenStatement {
        guard let text, let encoded = signature, let signature = Data(base64Encoded: encoded) else {
            throw ScreenRefusal(.statementRequired, "every answer and signature needs the enrolled screen's signed statement / 客户屏须对每次确认和签名出具签名声明")
        }
        let statement: ScreenStatement
        do {
            statement = try ScreenStatement.verified(text: text, signature: Array(signature), publicKey: device.publicKey)
        } catch {
            throw ScreenRefusal(.badStatement, "the statement is not signed by this screen's enrolled key / 声明不是本屏登记的密钥所签")
        }
        guard statement.device == device.id, statement.session == session, statement.version == version, statement.decision == decision,
            statement.viewSHA256 == viewSHA256, statement.strokesSHA256 == strokesSHA256
        else {
            throw ScreenRefusal(.statementMismatch, "the signed statement does not name this session, view and answer / 签名声明与本次会话、画面或操作不符")
        }
        guard statement.timely(at: now) else {
            throw ScreenRefusal(.statementTime, "the screen's clock is more than five minutes off / 客户屏时间偏差超过五分钟")
        }
        return statement
    }
}
