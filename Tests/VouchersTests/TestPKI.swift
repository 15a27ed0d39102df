import Foundation

/// A throwaway PKI made with the `openssl` command line once per test run: a root, an intermediate, an RSA-2048
/// and an ECDSA P-256 signing certificate (nonRepudiation), PKCS#12 files (modern and legacy encodings), and a
/// second unrelated root.
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
