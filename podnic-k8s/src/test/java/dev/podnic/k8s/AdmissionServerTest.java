package dev.podnic.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.k8s.admission.AdmissionServer;
import dev.podnic.k8s.admission.VmiAdmission;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook over real TLS on loopback, with a certificate made by the JDK's keytool. */
class AdmissionServerTest {
    @TempDir
    static Path dir;
    static AdmissionServer server;
    static HttpClient https;

    @BeforeAll
    static void start() throws Exception {
        Path p12 = dir.resolve("tls.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keystore", p12.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                "-alias", "tls", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=podnic-webhook",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "1").inheritIO().start();
        assertThat(keytool.waitFor()).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(p12)) {
            store.load(in, "changeit".toCharArray());
        }
        Certificate cert = store.getCertificate("tls");
        Files.writeString(dir.resolve("tls.crt"), pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(dir.resolve("tls.key"), pem("PRIVATE KEY", store.getKey("tls", "changeit".toCharArray()).getEncoded()));

        server = AdmissionServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                dir.resolve("tls.crt"), dir.resolve("tls.key"), new VmiAdmission());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("webhook", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        https = HttpClient.newBuilder().sslContext(tls).build();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void answersAnAdmissionReviewOverTls() throws Exception {
        String review = """
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-1","operation":"CREATE",
                 "namespace":"default","name":"vm1","object":{"apiVersion":"podnic.dev/v1alpha1","kind":"VirtualMachineInstance",
                 "metadata":{"name":"vm1"},"spec":{"domain":{"devices":{"interfaces":[{"name":"default","bridge":{},"model":"rtl8029"}]}},
                 "networks":[{"name":"default","pod":{}}]}}}}""";
        HttpResponse<String> r = post(review);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode response = new ObjectMapper().readTree(r.body()).path("response");
        assertThat(response.path("uid").asText()).isEqualTo("u-1");
        assertThat(response.path("allowed").asBoolean()).isFalse();
        assertThat(response.path("status").path("message").asText())
                .contains("spec.domain.devices.interfaces[0].model = \"rtl8029\": unknown NIC model");
    }

    @Test
    void garbageIsA400NotACrash() throws Exception {
        HttpResponse<String> r = post("{\"kind\":\"AdmissionReview\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("request.uid");
        HttpResponse<String> health = https.send(HttpRequest.newBuilder(uri("/healthz")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.body()).isEqualTo("ok");
    }

    @Test
    void aKeyInTheOldRsaFormatIsRefusedWithHowToConvert() throws Exception {
        Path key = dir.resolve("old.key");
        Files.writeString(key, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() -> AdmissionServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                dir.resolve("tls.crt"), key, new VmiAdmission()))
                .isInstanceOf(GeneralSecurityException.class)
                .hasMessageContaining("old.key: expected a PKCS#8 key")
                .hasMessageContaining("openssl pkcs8 -topk8");
    }

    private static HttpResponse<String> post(String body) throws Exception {
        return https.send(HttpRequest.newBuilder(uri("/validate")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return URI.create("https://127.0.0.1:" + server.port() + path);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

}
