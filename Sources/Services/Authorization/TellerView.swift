public import Accounts
public import Storage

extension RequestSnapshot {
    /// What a teller is shown of a request. Back-to-back (背对背) authorization: the teller never learns which
    /// officer was drawn or is offered it, nor — in central scope — who holds it. Officers and auditors see all.
    public func seen(by user: UserIdentity) -> RequestSnapshot {
        user.role == .teller ? seenByItsTeller : self
    }

    var seenByItsTeller: RequestSnapshot {
        var view = self
        view.assignedTo = nil
        view.offeredTo = nil
        if scope == "central" { view.claimedBy = nil }
        return view
    }
}
