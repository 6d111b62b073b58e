package dev.podnic.cni.version;

import java.util.Arrays;
import java.util.Optional;

/** The CNI specification versions podnic understands, oldest first. */
public enum SpecVersion {
    V0_1_0("0.1.0"),
    V0_2_0("0.2.0"),
    V0_3_0("0.3.0"),
    V0_3_1("0.3.1"),
    V0_4_0("0.4.0"),
    V1_0_0("1.0.0"),
    V1_1_0("1.1.0");

    /** The newest version; what podnic offers a plugin when asking VERSION. */
    public static final SpecVersion LATEST = V1_1_0;

    private final String text;

    SpecVersion(String text) {
        this.text = text;
    }

    public static Optional<SpecVersion> find(String text) {
        return Arrays.stream(values()).filter(v -> v.text.equals(text)).findFirst();
    }

    /** Parses a version string; the message lists what is accepted. */
    public static SpecVersion parse(String text) {
        return find(text).orElseThrow(() -> new IllegalArgumentException(
                "unsupported CNI version \"" + text + "\" (supported: " + supportedList() + ")"));
    }

    public static String supportedList() {
        return String.join(", ", Arrays.stream(values()).map(SpecVersion::text).toList());
    }

    public boolean atLeast(SpecVersion other) {
        return compareTo(other) >= 0;
    }

    /** 0.1.0 and 0.2.0 results carry ip4/ip6 objects instead of interfaces and ips. */
    public boolean isLegacyResult() {
        return compareTo(V0_3_0) < 0;
    }

    /** CHECK and a cached prevResult on DEL exist from 0.4.0. */
    public boolean supportsCheck() {
        return atLeast(V0_4_0);
    }

    /** STATUS and GC exist from 1.1.0. */
    public boolean supportsStatusAndGc() {
        return atLeast(V1_1_0);
    }

    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }
}
