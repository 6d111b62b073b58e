package dev.podnic.cni.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.cni.CniException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultCacheTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An entry as libcni (Go) writes it: result keys sorted, config base64. */
    private static final String LIBCNI_ENTRY = "{\"kind\":\"cniCacheV1\",\"containerId\":\"abc123\","
            + "\"config\":\"eyJjbmlWZXJzaW9uIjoiMS4wLjAiLCJuYW1lIjoicG9kbmV0IiwicGx1Z2lucyI6W3sidHlwZSI6ImJyaWRnZSJ9XX0=\","
            + "\"ifName\":\"eth0\",\"networkName\":\"podnet\",\"netns\":\"/var/run/netns/cni-1\","
            + "\"cniArgs\":[[\"K8S_POD_NAME\",\"web\"],[\"IgnoreUnknown\",\"1\"]],"
            + "\"capabilityArgs\":{\"mac\":\"02:00:00:00:00:01\"},"
            + "\"result\":{\"cniVersion\":\"1.0.0\",\"dns\":{},\"interfaces\":[{\"mac\":\"02:00:00:00:00:01\",\"name\":\"eth0\","
            + "\"sandbox\":\"/var/run/netns/cni-1\"}],\"ips\":[{\"address\":\"10.244.0.5/24\",\"gateway\":\"10.244.0.1\","
            + "\"interface\":0}]}}";

    @TempDir
    Path dir;

    @Test
    void readsWhatLibcniWrote() throws Exception {
        Files.createDirectories(dir.resolve("results"));
        Files.writeString(dir.resolve("results/podnet-abc123-eth0"), LIBCNI_ENTRY);
        CachedAttachment a = new ResultCache(dir).get("podnet", "abc123", "eth0").orElseThrow();
        assertThat(a.containerId()).isEqualTo("abc123");
        assertThat(a.netns()).isEqualTo("/var/run/netns/cni-1");
        assertThat(a.cniArgs()).containsExactly(Map.entry("K8S_POD_NAME", "web"), Map.entry("IgnoreUnknown", "1"));
        assertThat(a.capabilityArgs().get("mac").asText()).isEqualTo("02:00:00:00:00:01");
        assertThat(new String(a.config(), StandardCharsets.UTF_8))
                .isEqualTo("{\"cniVersion\":\"1.0.0\",\"name\":\"podnet\",\"plugins\":[{\"type\":\"bridge\"}]}");
        assertThat(a.result().path("ips").get(0).path("address").asText()).isEqualTo("10.244.0.5/24");
    }

    @Test
    void writesLibcniFormatByteForByte() throws Exception {
        ResultCache cache = new ResultCache(dir);
        JsonNode result = JSON.readTree("{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\",\"mac\":\"02:00:00:00:00:01\","
                + "\"sandbox\":\"/var/run/netns/cni-1\"}],\"ips\":[{\"interface\":0,\"address\":\"10.244.0.5/24\","
                + "\"gateway\":\"10.244.0.1\"}]}");
        cache.put(new CachedAttachment("podnet", "abc123", "eth0", "/var/run/netns/cni-1",
                "{\"cniVersion\":\"1.0.0\",\"name\":\"podnet\",\"plugins\":[{\"type\":\"bridge\"}]}".getBytes(StandardCharsets.UTF_8),
                List.of(Map.entry("K8S_POD_NAME", "web"), Map.entry("IgnoreUnknown", "1")),
                Map.of("mac", JSON.getNodeFactory().textNode("02:00:00:00:00:01")), result));
        Path file = dir.resolve("results/podnet-abc123-eth0");
        assertThat(Files.readString(file)).isEqualTo("{\"kind\":\"cniCacheV1\",\"containerId\":\"abc123\","
                + "\"config\":\"eyJjbmlWZXJzaW9uIjoiMS4wLjAiLCJuYW1lIjoicG9kbmV0IiwicGx1Z2lucyI6W3sidHlwZSI6ImJyaWRnZSJ9XX0=\","
                + "\"ifName\":\"eth0\",\"networkName\":\"podnet\",\"netns\":\"/var/run/netns/cni-1\","
                + "\"cniArgs\":[[\"K8S_POD_NAME\",\"web\"],[\"IgnoreUnknown\",\"1\"]],"
                + "\"capabilityArgs\":{\"mac\":\"02:00:00:00:00:01\"},"
                + "\"result\":" + result + "}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (var files = Files.list(dir.resolve("results"))) {
            assertThat(files).hasSize(1); // no temporary file left behind
        }
    }

    @Test
    void listFiltersByNetworkAndSkipsForeignFiles() throws Exception {
        ResultCache cache = new ResultCache(dir);
        for (String net : List.of("a", "b", "a")) {
            cache.put(new CachedAttachment(net, "c" + Math.abs(net.hashCode() + cache.list(null).size()), "eth0", "",
                    new byte[0], List.of(), Map.of(), null));
        }
        Files.writeString(dir.resolve("results/garbage"), "{");
        assertThat(cache.list("a")).hasSize(2).allMatch(x -> x.networkName().equals("a"));
        assertThat(cache.list(null)).hasSize(3);
    }

    @Test
    void corruptEntryIsATypedError() throws Exception {
        Files.createDirectories(dir.resolve("results"));
        Files.writeString(dir.resolve("results/n-c-eth0"), "{\"kind\":\"other\"}");
        assertThatThrownBy(() -> new ResultCache(dir).get("n", "c", "eth0"))
                .isInstanceOf(CniException.class).hasMessageContaining("unreadable result cache entry");
    }

    @Test
    void removeIsIdempotent() {
        ResultCache cache = new ResultCache(dir);
        cache.remove("n", "c", "eth0");
        assertThat(cache.get("n", "c", "eth0")).isEmpty();
    }
}
