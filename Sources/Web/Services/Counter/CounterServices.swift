public import Forms

/// What the counter flow runs on one instance: the form catalogue, the pre-fill desk and the per-client limit on
/// the public endpoints.
public struct CounterServices: Sendable {
    public let catalogue: FormCatalogue
    public let prefills: PrefillDesk
    public let publicLimiter: ClientRateLimiter

    public init(catalogue: FormCatalogue, prefills: PrefillDesk, publicLimiter: ClientRateLimiter) {
        self.catalogue = catalogue
        self.prefills = prefills
        self.publicLimiter = publicLimiter
    }
}
