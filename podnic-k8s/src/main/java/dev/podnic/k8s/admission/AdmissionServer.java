package dev.podnic.k8s.admission;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The HTTPS endpoint the API server calls: {@code POST /validate} with an AdmissionReview, answered
 * by {@link VmiAdmission}; {@code GET /healthz}. TLS from PEM files as cert-manager or a Secret
 * provides them ({@code tls.crt}, a PKCS#8 {@code tls.key}). The JDK's HTTPS server suffices: the
 * API server sends a few small requests, and it keeps the webhook free of a web framework.
 */
public final class AdmissionServer implements AutoCloseable {
    private static final int MAX_BODY = 3 * 1024 * 1024; // the API server's own request size limit
    private final HttpsServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final VmiAdmission admission;

    private AdmissionServer(HttpsServer server, VmiAdmission admission) {
        this.server = server;
        this.admission = admission;
    }

    public static AdmissionServer start(InetSocketAddress address, Path certPem, Path keyPem, VmiAdmission admission)
            throws IOException, GeneralSecurityException {
        HttpsServer https = HttpsServer.create(address, 0);
        https.setHttpsConfigurator(new HttpsConfigurator(tls(certPem, keyPem)));
        AdmissionServer s = new AdmissionServer(https, admission);
        https.createContext("/validate", s::validate);
        https.createContext("/healthz", ex -> reply(ex, 200, "text/plain", "ok"));
        https.setExecutor(s.executor);
        https.start();
        return s;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void validate(HttpExchange ex) throws IOException {
        if (!ex.getRequestMethod().equals("POST")) {
            reply(ex, 405, "text/plain", "POST an AdmissionReview (admission.k8s.io/v1)");
            return;
        }
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        if (body.length > MAX_BODY) {
            reply(ex, 413, "text/plain", "request larger than " + MAX_BODY + " bytes");
            return;
        }
        try {
            reply(ex, 200, "application/json", admission.review(new String(body, StandardCharsets.UTF_8)));
        } catch (RuntimeException e) {
            reply(ex, 400, "text/plain", "not an AdmissionReview: " + e.getMessage());
        }
    }

    private static void reply(HttpExchange ex, int code, String type, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(code, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    static SSLContext tls(Path certPem, Path keyPem) throws IOException, GeneralSecurityException {
        Certificate[] chain;
        try (InputStream in = Files.newInputStream(certPem)) {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(Certificate[]::new);
        }
        if (chain.length == 0) {
            throw new GeneralSecurityException(certPem + ": no certificate in it");
        }
        PrivateKey key = privateKey(keyPem);
        char[] none = new char[0];
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, none);
        store.setKeyEntry("tls", key, none, chain);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, none);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    private static PrivateKey privateKey(Path keyPem) throws IOException, GeneralSecurityException {
        String pem = Files.readString(keyPem);
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new GeneralSecurityException(keyPem + ": expected a PKCS#8 key (-----BEGIN PRIVATE KEY-----); convert with "
                    + "`openssl pkcs8 -topk8 -nocrypt -in " + keyPem.getFileName() + "`");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException(keyPem + ": not an RSA, EC or Ed25519 PKCS#8 key", last);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
