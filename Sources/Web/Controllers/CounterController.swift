import Accounts
import Audit
import Counter
import Foundation
import HTTPTypes
public import Hummingbird
import HummingbirdWebSocket
import Kernel
import Services
import Storage

/// The counter over HTTP (tellers: pair with the screen, key the draft, read its state; supervisors: enroll the
/// branch's screens) and the customer screen's WebSocket, `/api/v1/counter/screen`:
///   → {"type":"hello","device":7}                                    the enrolled screen's id
///   ← {"type":"challenge","nonce":"…"}
///   → {"type":"proof","signature":"…"}          its key's signature over "countersign.screen.hello.v1:7:<nonce>"
///   ← {"type":"pairing","code":"483920","expires_in":300,"terminal":"T01"}   shown for the teller to type
///   ← {"type":"paired","session":12,"teller":"…"}
///   ← {"type":"view","session":12,"version":3,"digest":"…","view":{…}}   on every change the teller keys
///   → {"type":"confirm"|"reject","version":3,"digest":"…","statement":"…","signature":"…"}
///   ← {"type":"recorded",…} or {"type":"error","code":"counter.stale_confirmation",…}
///   → {"type":"signature","version":3,"digest":"…","strokes":[[{"x","y","t","pressure"},…],…],"statement":"…","signature":"…"}
///   ← {"type":"signed","version":3} or {"type":"error","code":"counter.too_little_ink",…}
/// Each statement is the JSON text of a ``ScreenStatement`` and its signature by the screen's key (base64 r ‖ s).
struct CounterController: Sendable {
    let services: CounterServices?

    var configured: CounterServices {
        get throws {
            guard let services else {
                throw AppError(
                    .serviceUnavailable, code: "counter.not_configured", "the counter is not configured on this instance (data key missing)")
            }
            return services
        }
    }

    var desk: CounterDesk {
        get throws { try configured.desk }
    }

    var enrollment: ScreenEnrollment {
        get throws { try configured.screens }
    }

    func register(on router: Router<AppRequestContext>) {
        router.post("/api/v1/counter/sessions", use: pair)
        router.get("/api/v1/counter/sessions", use: open)
        router.get("/api/v1/counter/sessions/{id}", use: show)
        router.post("/api/v1/counter/sessions/{id}/cancel", use: cancel)
        router.put("/api/v1/counter/sessions/{id}/draft", use: draft)
        router.post("/api/v1/counter/sessions/{id}/transaction", use: book)
        router.post("/api/v1/counter/sessions/{id}/commit", use: commit)
        router.post("/api/v1/counter/sessions/{id}/voucher", use: finish)
        router.get("/r/{token}", use: receipt)
        router.get("/api/v1/counter/terminals", use: terminals)
        router.post("/api/v1/counter/screens", use: enroll)
        router.delete("/api/v1/counter/screens/{id}", use: removeScreen)
        router.post("/api/v1/verify", use: verify)
    }

    struct VerifyBody: Decodable { let voucher: String }

    /// Anyone may check a voucher: the PDF itself (`Content-Type: application/pdf`) or a receipt number (JSON).
    @Sendable func verify(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let services, let verifier = services.verifier else {
            throw AppError(.serviceUnavailable, code: "verify.not_configured", "verification is not configured here (trusted roots missing)")
        }
        let verdict: ReceiptVerifier.Verdict
        if request.headers[.contentType]?.hasPrefix("application/pdf") == true {
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            verdict = try await verifier.verify(pdf: Array(body.readableBytesView))
        } else {
            let body = try await request.decode(as: VerifyBody.self, context: context)
            verdict = try await verifier.verify(voucher: String(body.voucher.trimmingCharacters(in: .whitespaces).prefix(32)))
        }
        return try PrefillController.json(.ok, verdict)
    }

    var booking: CounterBooking {
        get throws {
            guard let booking = services?.booking else { throw AuthorizationController.notConfigured }
            return booking
        }
    }

    /// Nothing to say: the transaction is what the customer signed, judged by the directory's facts. A client that
    /// still sends an account type or customer risk is told where they come from.
    struct BookBody: Decodable {
        let accountType: String?
        let customerRisk: String?
        enum CodingKeys: String, CodingKey {
            case accountType = "account_type"
            case customerRisk = "customer_risk"
        }
    }

    /// What the customer signed goes to the interceptor as a transaction; the answer says whether (and how) it must
    /// be authorized before the commit, like `POST /api/v1/transactions`.
    @Sendable func book(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<AuthorizationController.SubmitResponse> {
        let user = try context.requireUser()
        let body = try await request.decode(as: BookBody.self, context: context)
        guard body.accountType == nil, body.customerRisk == nil else {
            throw AuthorizationError.factsFromDirectory
        }
        let booked = try await booking.submit(session: try Self.session(context), user: user, terminal: context.terminal)
        return EditedResponse(
            status: .created, headers: [.location: "/api/v1/transactions/\(booked.submitted.transactionID)"],
            response: AuthorizationController.SubmitResponse(booked.submitted, payloadDigest: booked.submission.digest, rules: try booking.rules))
    }

    /// Books the transaction (approved, when it had to be) with exactly what the customer signed.
    @Sendable func commit(_ request: Request, context: AppRequestContext) async throws -> AuthorizationController.CommitView {
        let user = try context.requireUser()
        let committed = try await booking.commit(session: try Self.session(context), user: user, terminal: context.terminal)
        return AuthorizationController.CommitView(committed, seenBy: user)
    }

    /// Nothing to say: the seal follows from the form and the branch (the seal registry), not from the teller.
    struct FinishBody: Decodable { let seal: String? }

    var receipts: ReceiptDesk {
        get throws {
            guard let receipts = services?.receipts else {
                throw AppError(.serviceUnavailable, code: "voucher.not_configured", "vouchers are not configured on this instance (keys missing)")
            }
            return receipts
        }
    }

    /// The confirmed and signed draft becomes a sealed voucher; the screen gets the customer's receipt link.
    @Sendable func finish(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<ReceiptDesk.Issued> {
        let user = try context.requireUser()
        let body = try await request.decode(as: FinishBody.self, context: context)
        guard body.seal == nil else {
            throw AppError(
                .badRequest, code: "voucher.seal_from_registry",
                "the seal follows from the form and the branch (the seal registry), not from the request / 印章由凭证种类和网点决定，不由柜员填写")
        }
        let issued = try await receipts.finish(session: try Self.session(context), user: user, terminal: context.terminal)
        return EditedResponse(status: .created, response: issued)
    }

    /// The customer's sealed voucher, by the unguessable link on their screen.
    @Sendable func receipt(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (voucher, pdf) = try await receipts.download(token: try context.parameters.require("token"))
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/pdf", .contentDisposition: "attachment; filename=\"\(voucher).pdf\"", .cacheControl: "no-store",
                HTTPField.Name("Referrer-Policy")!: "no-referrer",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: pdf)))
    }

    struct EnrollBody: Decodable {
        let terminal: String
        let publicKey: String
        enum CodingKeys: String, CodingKey {
            case terminal
            case publicKey = "public_key"
        }
    }

    /// A supervisor at the customer screen registers its key for a terminal of the branch.
    @Sendable func enroll(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<ScreenEnrollment.Enrolled> {
        let user = try context.requireUser()
        let body = try await request.decode(as: EnrollBody.self, context: context)
        guard body.terminal.range(of: "^[A-Za-z0-9_.-]{1,64}$", options: .regularExpression) != nil else {
            throw AppError(.badRequest, code: "auth.invalid_terminal", "terminal must be 1–64 characters of A–Z, a–z, 0–9, '.', '-', '_'")
        }
        let enrolled = try await (try enrollment).enroll(terminal: body.terminal, publicKey: body.publicKey, user: user)
        return EditedResponse(status: .created, headers: [.location: "/api/v1/counter/screens/\(enrolled.id)"], response: enrolled)
    }

    @Sendable func removeScreen(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        guard let id = Int64(try context.parameters.require("id")) else {
            throw AppError(.notFound, code: "counter.no_screen_device", "no such enrolled screen / 没有该已登记客户屏")
        }
        try await (try enrollment).remove(id, user: user)
        return Response(status: .noContent)
    }

    @Sendable func terminals(_ request: Request, context: AppRequestContext) async throws -> Response {
        try PrefillController.json(.ok, try await (try enrollment).terminals(user: try context.requireUser()))
    }

    struct PairBody: Decodable { let code: String }

    struct DraftBody: Decodable {
        let form: String
        let values: [String: String]
    }

    @Sendable func pair(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<CounterDesk.DraftView> {
        let user = try context.requireUser()
        let body = try await request.decode(as: PairBody.self, context: context)
        let state = try await desk.pair(code: String(body.code.prefix(12)), user: user, terminal: context.terminal)
        return EditedResponse(status: .created, response: state)
    }

    /// `?include=draft` adds the draft itself (form and values), which a reloaded console needs once; the
    /// once-a-second refresh goes without it.
    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> CounterDesk.DraftView {
        let include = request.uri.queryParameters.get("include")
        guard include == nil || include == "draft" else {
            throw AppError(.badRequest, code: "counter.bad_include", "include takes one value: draft")
        }
        return try await desk.state(try Self.session(context), user: try context.requireUser(), withDraft: include == "draft")
    }

    /// The teller's unfinished sessions at their terminal (a console opened afresh, in a new window, finds its work).
    @Sendable func open(_ request: Request, context: AppRequestContext) async throws -> Response {
        try PrefillController.json(.ok, try await desk.openSessions(user: try context.requireUser(), terminal: context.terminal))
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await desk.cancel(try Self.session(context), user: try context.requireUser())
        return Response(status: .noContent)
    }

    @Sendable func draft(_ request: Request, context: AppRequestContext) async throws -> CounterDesk.DraftView {
        let user = try context.requireUser()
        let body = try await request.decode(as: DraftBody.self, context: context)
        try PrefillController.bound(body.values)
        return try await desk.updateDraft(try Self.session(context), form: body.form, values: body.values, user: user)
    }

    static func session(_ context: AppRequestContext) throws -> Int64 {
        guard let id = Int64(try context.parameters.require("id")) else {
            throw AppError(.notFound, code: "counter.no_session", "no such counter session")
        }
        return id
    }

    /// The customer screen's channel. It needs no login, but it must be an enrolled screen: it names its device
    /// and signs a fresh challenge with the key its browser keeps; then it can only show what its paired teller
    /// keys and answer it, each answer signed by the same key.
    static func registerScreen(on router: Router<PushRequestContext>, services: CounterServices, helloDeadline: Duration) {
        router.ws("/api/v1/counter/screen") { inbound, outbound, _ in
            let (queue, sender) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(256))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    defer { sender.finish() }
                    // A signature of 5,000 points fits; nothing a screen sends is larger.
                    var messages = inbound.messages(maxSize: 512 * 1024).makeAsyncIterator()
                    let deadline = HelloDeadline(outbound, within: helloDeadline)
                    guard let device = try await enrolledScreen(&messages, sender: sender, desk: services.desk) else {
                        deadline.met()
                        return
                    }
                    deadline.met()
                    // Told what to show: its pairing code, or the session it is in (resumed after a reload).
                    let id = try await services.desk.connectScreen(device: device, sender: sender)
                    do {
                        try await answers(&messages, screen: id, sender: sender, desk: services.desk, preview: services.preview)
                    } catch {
                        await services.desk.disconnectScreen(id)
                        throw error
                    }
                    await services.desk.disconnectScreen(id)
                }
                group.addTask {
                    for await message in queue { try await outbound.write(.text(message)) }
                    try? await outbound.close(.normalClosure, reason: nil)
                }
                try await group.next()
                try await group.next()
            }
        }
    }

    /// The screen's answers and signatures, each replied to, until the connection closes.
    static func answers(
        _ messages: inout WebSocketInboundMessageStream.AsyncIterator, screen id: Int, sender: AsyncStream<String>.Continuation, desk: CounterDesk,
        preview: VoucherPreview?
    ) async throws {
        while let message = try await messages.next() {
            guard case .text(let text) = message, let received = StrictJSON.message(FromScreen.self, from: text) else {
                sender.yield(
                    ToScreen.error(code: .badAnswer, message: "answer confirm, reject, signature or preview, with version and digest").text)
                continue
            }
            switch received {
            case .preview(let version, let digest):
                sender.yield(
                    await preview?.render(screen: id, version: version, digest: digest)
                        ?? ToScreen.error(code: .noPreview, message: "this instance cannot render vouchers / 本实例不能生成凭证预览").text)
            case .signature(let version, let digest, let strokes, let statement):
                sender.yield(await desk.sign(screen: id, version: version, digest: digest, strokes: strokes, statement: statement))
            case .answer(let decision, let version, let digest, let statement):
                sender.yield(await desk.answer(screen: id, decision: decision, version: version, digest: digest, statement: statement))
            case .hello, .proof:
                sender.yield(ToScreen.error(code: .badAnswer, message: "this screen has already said hello").text)
            }
        }
    }

    /// The hello and the proof: the enrolled screen this connection is, or nil (the screen was told why).
    static func enrolledScreen(
        _ messages: inout WebSocketInboundMessageStream.AsyncIterator, sender: AsyncStream<String>.Continuation, desk: CounterDesk
    ) async throws -> ScreenDevice? {
        guard case .text(let text)? = try await messages.next(), case .hello(let id)? = StrictJSON.message(FromScreen.self, from: text) else {
            sender.yield(ToScreen.error(code: .helloRequired, message: #"send {"type":"hello","device":…} first"#).text)
            return nil
        }
        guard let device = try await desk.enrolledScreen(id) else {
            sender.yield(
                ToScreen.error(
                    code: .screenNotEnrolled, message: "this screen is not enrolled; a branch supervisor enrolls it / 本屏未登记，请网点主管登记"
                ).text)
            return nil
        }
        let nonce = (0..<32).map { _ in UInt8.random(in: 0...255) }.hexString
        sender.yield(ToScreen.challenge(nonce: nonce).text)
        guard case .text(let text)? = try await messages.next(), case .proof(let encoded)? = StrictJSON.message(FromScreen.self, from: text),
            let signature = Data(base64Encoded: encoded),
            (try? ScreenStatement.checkSignature(
                Array(signature), over: Data(ScreenStatement.helloText(device: id, nonce: nonce).utf8), publicKey: device.publicKey)) != nil
        else {
            sender.yield(
                ToScreen.error(code: .screenNotEnrolled, message: "this screen does not hold the enrolled key / 本屏不持有登记的密钥").text)
            return nil
        }
        return device
    }
}

extension CounterDesk.DraftView: ResponseEncodable {}

extension ReceiptDesk.Issued: ResponseEncodable {}

extension ScreenEnrollment.Enrolled: ResponseEncodable {}
