public import Forms

/// What the counter flow runs on one instance: the form catalogue, the pre-fill desk, the per-client limit on the
/// public endpoints, and the counter desk (screens, drafts, confirmations).
public struct CounterServices: Sendable {
    public let catalogue: FormCatalogue
    public let prefills: PrefillDesk
    public let publicLimiter: ClientRateLimiter
    public let desk: CounterDesk

    public init(catalogue: FormCatalogue, prefills: PrefillDesk, publicLimiter: ClientRateLimiter, desk: CounterDesk) {
        self.catalogue = catalogue
        self.prefills = prefills
        self.publicLimiter = publicLimiter
        self.desk = desk
    }
}
