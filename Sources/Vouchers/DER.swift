/// Just enough DER (X.690) to find things inside the CMS signatures, time-stamp tokens and OCSP answers the service
/// makes and keeps, without OpenSSL: OpenSSL 3 decodes every certificate's public key through its provider lookup
/// whenever it parses a structure that carries one, and that was the largest part of a B-LTA seal's time. Definite
/// lengths and one-byte tags only; anything else answers nil, and callers fall back to OpenSSL.
enum DER {
    /// One TLV: its tag, where its contents start and where it ends (exclusive).
    struct Element {
        let tag: UInt8
        let start: Int
        let contentStart: Int
        let end: Int
    }

    static let sequence: UInt8 = 0x30
    static let set: UInt8 = 0x31
    static let octetString: UInt8 = 0x04
    static let objectIdentifier: UInt8 = 0x06

    /// id-aa-signatureTimeStampToken (1.2.840.113549.1.9.16.2.14), as its DER contents.
    static let signatureTimeStampToken: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x10, 0x02, 0x0E]

    static func element(_ bytes: [UInt8], at index: Int, end: Int) -> Element? {
        guard index >= 0, end <= bytes.count, index + 2 <= end else { return nil }
        let tag = bytes[index]
        guard tag & 0x1F != 0x1F else { return nil }
        var length = Int(bytes[index + 1])
        var header = 2
        if length & 0x80 != 0 {
            let count = length & 0x7F
            guard (1...4).contains(count), index + 2 + count <= end else { return nil }
            length = bytes[index + 2..<index + 2 + count].reduce(0) { $0 << 8 | Int($1) }
            header += count
        }
        guard length <= end - index - header else { return nil }
        return Element(tag: tag, start: index, contentStart: index + header, end: index + header + length)
    }

    /// The elements inside a constructed one; nil when they do not fill it exactly.
    static func children(_ bytes: [UInt8], of parent: Element) -> [Element]? {
        var found: [Element] = []
        var index = parent.contentStart
        while index < parent.end {
            guard let child = element(bytes, at: index, end: parent.end) else { return nil }
            found.append(child)
            index = child.end
        }
        return found
    }

    static func bytes(_ bytes: [UInt8], of element: Element) -> [UInt8] { Array(bytes[element.start..<element.end]) }
    static func contents(_ bytes: [UInt8], of element: Element) -> ArraySlice<UInt8> { bytes[element.contentStart..<element.end] }

    /// DER elements laid end to end (as the OpenSSL shim returns lists of certificates), split apart.
    static func split(_ bytes: [UInt8]) -> [[UInt8]] {
        var items: [[UInt8]] = []
        var index = 0
        while let item = element(bytes, at: index, end: bytes.count) {
            items.append(Self.bytes(bytes, of: item))
            index = item.end
        }
        return items
    }

    /// A CMS ContentInfo holding SignedData with one signer: its certificates and that SignerInfo's fields.
    static func signedData(_ cms: [UInt8]) -> (certificates: [Element], signerInfo: [Element])? {
        guard let info = element(cms, at: 0, end: cms.count), info.tag == sequence, let parts = children(cms, of: info), parts.count == 2,
            parts[1].tag == 0xA0, let explicit = children(cms, of: parts[1]), explicit.count == 1, explicit[0].tag == sequence,
            let fields = children(cms, of: explicit[0]), let signers = fields.last, signers.tag == set,
            let signerInfos = children(cms, of: signers), signerInfos.count == 1, signerInfos[0].tag == sequence,
            let signerInfo = children(cms, of: signerInfos[0])
        else { return nil }
        // certificates [0] IMPLICIT CertificateSet, after version, digestAlgorithms and encapContentInfo.
        let certificates = fields.dropFirst(3).first { $0.tag == 0xA0 }.flatMap { children(cms, of: $0) } ?? []
        return (certificates, signerInfo)
    }

    /// The signature value of a one-signer CMS signature (what its signature time-stamp is over).
    static func signatureValue(_ cms: [UInt8]) -> ArraySlice<UInt8>? {
        guard let (_, signerInfo) = signedData(cms), let value = signerInfo.first(where: { $0.tag == octetString }) else { return nil }
        return contents(cms, of: value)
    }

    /// The certificates a one-signer CMS signature carries, then those of its signature time-stamp tokens.
    static func certificates(inSignature cms: [UInt8]) -> [[UInt8]]? {
        guard let (carried, signerInfo) = signedData(cms) else { return nil }
        var found = carried.map { bytes(cms, of: $0) }
        // unsignedAttrs [1] IMPLICIT SET OF Attribute { attrType OID, attrValues SET OF ANY }.
        guard let unsigned = signerInfo.last, unsigned.tag == 0xA1 else { return found }
        guard let attributes = children(cms, of: unsigned) else { return nil }
        for attribute in attributes {
            guard let parts = children(cms, of: attribute), parts.count == 2, parts[0].tag == objectIdentifier, parts[1].tag == set,
                contents(cms, of: parts[0]).elementsEqual(signatureTimeStampToken)
            else { continue }
            for token in children(cms, of: parts[1]) ?? [] {
                guard let inner = certificates(inSignature: bytes(cms, of: token)) else { return nil }
                found += inner
            }
        }
        return found
    }

    /// The certificates an OCSP response carries (its responder's): OCSPResponse → responseBytes → BasicOCSPResponse
    /// → certs [0] EXPLICIT SEQUENCE OF Certificate.
    static func certificates(inOCSPResponse response: [UInt8]) -> [[UInt8]]? {
        guard let outer = element(response, at: 0, end: response.count), outer.tag == sequence, let parts = children(response, of: outer),
            parts.count == 2, parts[1].tag == 0xA0, let wrapped = children(response, of: parts[1]), wrapped.count == 1,
            let typed = children(response, of: wrapped[0]), typed.count == 2, typed[1].tag == octetString
        else { return nil }
        let basic = Array(contents(response, of: typed[1]))
        guard let body = element(basic, at: 0, end: basic.count), body.tag == sequence, let fields = children(basic, of: body) else { return nil }
        guard fields.count == 4, fields[3].tag == 0xA0 else { return fields.count == 3 ? [] : nil }
        guard let list = children(basic, of: fields[3]), list.count == 1, let certificates = children(basic, of: list[0]) else { return nil }
        return certificates.map { bytes(basic, of: $0) }
    }
}
