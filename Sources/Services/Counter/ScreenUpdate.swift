import Counter
import Kernel
import Storage

/// What one screen connection must be told to show what the database now says: a pure function of what it was told
/// before and of the screen's current state, so any instance, at any time, brings it up to date — after a change
/// made through another instance, after a restart, after a lost announcement — without repeating itself.
enum ScreenUpdate {
    /// What a connection was last told.
    struct Shown: Sendable, Equatable {
        /// Nothing yet: a fresh connection (a screen that finds itself in a session was reloaded: it resumes).
        var fresh = true
        var code: String?
        var session: Int64?
        var version = 0
        var digest: [UInt8]?
        var state = DraftState.editing
    }

    /// The screen as the database has it, with what the messages need already opened.
    struct Current: Sendable {
        let screen: ScreenState
        let terminal: String
        /// The paired session's draft and its view (canonical JSON), when the screen is in a session.
        let draft: DraftRecord?
        let viewJSON: String?
        /// The message that tells the screen how its last session ended (a receipt, a cancellation).
        let ending: String?
        let tellerName: String?
        let expiresIn: Int
    }

    static func messages(after shown: Shown, for current: Current) -> (messages: [String], shown: Shown) {
        var out: [String] = []
        var next = shown
        if let session = current.screen.session, let draft = current.draft {
            if shown.session != session {
                out.append(ToScreen.paired(session: session, teller: current.tellerName ?? "", resumed: shown.fresh).text)
                next = Shown(fresh: false, code: nil, session: session)
            }
            // Only forward; the same version again only if its content differs (a draft commit lost in a database
            // crash, that version number then stored anew).
            if draft.version > next.version || (draft.version == next.version && draft.digest != next.digest),
                draft.version > 0, let json = current.viewJSON, let digest = draft.digest
            {
                out.append(
                    ToScreen.view(session: session, version: draft.version, digest: digest.hexString, complete: draft.complete, viewJSON: json).text)
                next.version = draft.version
                next.digest = digest
                next.state = .editing
            }
            if draft.version > 0, draft.state != next.state {
                out.append(ToScreen.state(draft.state, version: draft.version).text)
                next.state = draft.state
            }
        } else {
            if let was = shown.session {
                if let ending = current.ending, current.screen.ended?.session == was { out.append(ending) }
                next.session = nil
                next.version = 0
                next.digest = nil
                next.state = .editing
            }
            if next.code != current.screen.code {
                out.append(
                    ToScreen.pairing(
                        code: current.screen.code, terminal: current.terminal, expiresIn: current.expiresIn, screen: current.screen.device
                    ).text)
                next.code = current.screen.code
            }
        }
        next.fresh = false
        return (out, next)
    }
}
