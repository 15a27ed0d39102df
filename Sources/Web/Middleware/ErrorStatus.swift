import HTTPTypes
import Services

/// The HTTP status of every code the application layer answers with: the one table that turns a domain refusal
/// into an HTTP answer. Exhaustive switches, so a new code does not compile until it has its status here.
protocol HTTPStatusOfCode {
    var status: HTTPResponse.Status { get }
}

extension AccessErrorCode: HTTPStatusOfCode {
    var status: HTTPResponse.Status {
        switch self {
        case .forbidden, .passwordNotConfirmed: .forbidden
        case .invalidUser, .invalidPassword: .badRequest
        case .invalidCredentials, .localCredentialsRefused: .unauthorized
        case .locked, .slowDown: .tooManyRequests
        }
    }
}

extension AvailabilityErrorCode: HTTPStatusOfCode {
    var status: HTTPResponse.Status { .serviceUnavailable }
}

extension AuthorizationErrorCode: HTTPStatusOfCode {
    var status: HTTPResponse.Status {
        switch self {
        case .notFound, .transactionNotFound, .materialNotFound: .notFound
        case .alreadyClaimed, .notPending, .noClaim, .leaseExpired, .staleView, .withdrawn, .notRequired, .notReturned, .notApproved,
            .tooManyVersions, .localTerminal, .alreadyCommitted, .cannotReplace, .finished, .notOpen, .payloadChanged:
            .conflict
        case .modeNotAllowed, .unknownAccount: .unprocessableContent
        case .localOnly, .localCredentials, .badPresence, .badDigest, .badDecision, .badReason, .reasonRequired, .factsFromDirectory,
            .noSubject, .withdrawReason:
            .badRequest
        }
    }
}

extension CounterErrorCode: HTTPStatusOfCode {
    var status: HTTPResponse.Status {
        switch self {
        case .noSession, .unknownTerminal, .noScreenDevice, .badPairing, .pairingExpired, .prefillNotFound, .receiptNotFound: .notFound
        case .noTerminal, .badScreenKey, .prefillBadCode: .badRequest
        case .noScreen, .screenKeyUsed, .notSigned, .booked, .notBooked, .notCommitted, .prefillUsed, .prefillFormChanged: .conflict
        case .noAmount, .noSubject: .unprocessableContent
        case .pairingLocked: .tooManyRequests
        case .prefillExpired, .receiptExpired: .gone
        }
    }
}

extension VerificationErrorCode: HTTPStatusOfCode {
    var status: HTTPResponse.Status {
        switch self {
        case .notSigned, .unreadable: .unprocessableContent
        case .tooComplex: .contentTooLarge
        case .noReceipt: .notFound
        }
    }
}

extension AdminErrorCode: HTTPStatusOfCode {
    var status: HTTPResponse.Status {
        switch self {
        case .notAdministrator, .fourEyes, .ownAccount: .forbidden
        case .badChange, .unknownBranch, .badRules, .unknownForm: .unprocessableContent
        case .userExists, .branchExists, .rulesVersionUsed, .sealOverlap, .userBusy, .alreadyProposed, .alreadyDecided, .proposerGone,
            .proposalExpired, .noChange:
            .conflict
        case .unknownUser, .unknownChange, .unknownSeal: .notFound
        }
    }
}

extension SupervisionErrorCode: HTTPStatusOfCode {
    var status: HTTPResponse.Status {
        switch self {
        case .forbidden, .ownDecision: .forbidden
        case .badQuery: .badRequest
        case .transactionNotFound, .findingNotFound, .sampleNotFound: .notFound
        case .findingState, .sampleItem: .conflict
        }
    }
}

extension VoucherDeskErrorCode: HTTPStatusOfCode {
    var status: HTTPResponse.Status {
        switch self {
        case .notFound: .notFound
        case .noBranch, .sealWrongBranch: .forbidden
        case .wrongState, .changed, .noSeal, .noScreenStatement: .conflict
        case .sourceMismatch: .internalServerError
        }
    }
}

/// A refusal whose code has its status here answers as that status, whatever its domain: `AppError.from` asks this
/// once instead of naming every domain (a new domain needs only its table above).
protocol HTTPAnswerable {
    var answer: AppError { get }
}

extension Refusal: HTTPAnswerable where Code: HTTPStatusOfCode {
    var answer: AppError { AppError(code.status, code: code.rawValue, message, retryAfterSeconds: retryAfterSeconds) }
}
