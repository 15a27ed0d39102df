import Foundation

/// A throwaway PKI made with the `openssl` command line once per test run: a root, an intermediate, an RSA-2048
/// and an ECDSA P-256 signing certificate (nonRepudiation), PKCS#12 files (modern and legacy encodings), a
/// second unrelated root; and an old root (from 2023) with a TSA and a seal certificate that expired on 1 January 2025.
struct TestPKI: Sendable {
    let folder: URL

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
    func text(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }
    func data(_ name: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path(name))) }

    static let shared: TestPKI = {
        do { return try make() } catch { fatalError("cannot build the test PKI: \(error)") }
    }()

    static func make() throws -> TestPKI {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cs-pki-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let script = """
            set -e
            cd '\(folder.path)'
            printf 'basicConstraints=critical,CA:TRUE\\nkeyUsage=critical,keyCertSign,cRLSign\\n' > ca.ext
            printf 'basicConstraints=critical,CA:FALSE\\nkeyUsage=critical,digitalSignature,nonRepudiation\\n' > leaf.ext
            openssl req -x509 -newkey rsa:2048 -nodes -days 30 -keyout root.key -out root.pem -subj '/CN=Test Root' -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign'
            openssl req -x509 -newkey rsa:2048 -nodes -days 30 -keyout other-root.key -out other-root.pem -subj '/CN=Other Root'
            openssl req -newkey rsa:2048 -nodes -keyout inter.key -out inter.csr -subj '/CN=Test Issuing CA'
            openssl x509 -req -in inter.csr -CA root.pem -CAkey root.key -CAcreateserial -days 30 -extfile ca.ext -out inter.pem
            openssl req -utf8 -newkey rsa:2048 -nodes -keyout rsa.key -out rsa.csr -subj '/O=测试银行/CN=业务专用章 RSA'
            openssl x509 -req -in rsa.csr -CA inter.pem -CAkey inter.key -CAcreateserial -days 30 -extfile leaf.ext -out rsa.pem
            openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ec.key -out ec.csr -subj '/CN=Seal EC'
            openssl x509 -req -in ec.csr -CA inter.pem -CAkey inter.key -CAcreateserial -days 30 -extfile leaf.ext -out ec.pem
            cat ec.pem inter.pem > ec-chain.pem
            openssl pkcs12 -export -inkey rsa.key -in rsa.pem -certfile inter.pem -passout pass:secret -out rsa.p12
            openssl pkcs12 -export -legacy -inkey rsa.key -in rsa.pem -certfile inter.pem -passout pass:secret -out rsa-legacy.p12
            # Another time: a root and a TSA valid from 2023, and a seal certificate that expired on 1 January 2025 —
            # what every voucher's certificates become. `openssl ca` is the tool that sets a start and an end date.
            mkdir ca && touch ca/index.txt && echo 01 > ca/serial
            printf '[ca]\ndefault_ca = old\n[old]\ndatabase = ca/index.txt\nserial = ca/serial\nnew_certs_dir = ca\ndefault_md = sha256\npolicy = any\nunique_subject = no\n[any]\ncommonName = supplied\n' > ca.cnf
            printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=critical,timeStamping\n' > tsa.ext
            openssl req -newkey rsa:2048 -nodes -keyout old-root.key -out old-root.csr -subj '/CN=Old Root'
            openssl ca -batch -config ca.cnf -selfsign -keyfile old-root.key -in old-root.csr -out old-root.pem -startdate 20230101000000Z -enddate 20450101000000Z -extfile ca.ext -notext
            openssl req -newkey rsa:2048 -nodes -keyout old-tsa.key -out old-tsa.csr -subj '/CN=Old TSA'
            openssl ca -batch -config ca.cnf -cert old-root.pem -keyfile old-root.key -in old-tsa.csr -out old-tsa.pem -startdate 20230101000000Z -enddate 20450101000000Z -extfile tsa.ext -notext
            openssl req -newkey rsa:2048 -nodes -keyout expired.key -out expired.csr -subj '/CN=Seal that expired'
            openssl ca -batch -config ca.cnf -cert old-root.pem -keyfile old-root.key -in expired.csr -out expired.pem -startdate 20240101000000Z -enddate 20250101000000Z -extfile leaf.ext -notext
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
        return TestPKI(folder: folder)
    }
}

/// Runs the `openssl` command line (a third party to our shim's own checks) and returns status and output.
func openssl(_ arguments: [String]) async throws -> (status: Int32, output: String) {
    try await Oracles.run("openssl", arguments)
}
