import Foundation
import Kernel
import Storage

/// What the customer is about to sign, as a voucher: the specimen (watermarked 样张 SPECIMEN, never stored, never
/// signable) rendered from exactly the draft version the screen shows, masked as the view is, sent to the screen, which
/// draws it beside the signature pad.
public struct VoucherPreview: Sendable {
    let counter: CounterDesk
    let vouchers: VoucherDesk

    /// The preview of the version and digest the screen on connection `screenID` names, or an error for the screen
    /// (a later version exists, or the draft is not complete yet).
    public func render(screen screenID: Int, version: Int, digest: String) async -> String {
        do {
            let (_, draft) = try await counter.pairedDraft(screenID)
            guard draft.version == version, draft.digest?.hexString == digest, version > 0 else {
                throw ScreenRefusal(.staleConfirmation, "the teller changed the transaction; please check it again")
            }
            guard draft.complete, let content = try counter.open(draft), let form = draft.formID else {
                throw ScreenRefusal(.incomplete, "the teller is still completing this form; please wait / 柜员仍在填写，请稍候")
            }
            let pdf = try await vouchers.specimen(formID: form, values: content.values, teller: draft.teller, branch: draft.branch, masked: true)
            return ToScreen.preview(version: version, digest: digest, pdf: Data(pdf).base64EncodedString()).text
        } catch let refusal as ScreenRefusal {
            return ToScreen.error(code: refusal.code, message: refusal.message).text
        } catch {
            return ToScreen.error(code: .noPreview, message: "the voucher preview could not be made / 凭证预览生成失败").text
        }
    }
}
