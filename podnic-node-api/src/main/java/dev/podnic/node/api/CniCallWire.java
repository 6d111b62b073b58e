package dev.podnic.node.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How podnic-shim (the C executable Multus runs for the KubeVirt binding) hands a CNI call to the
 * node daemon, encoded and decoded here only — the C side is {@code podnic-cni-shim}, and the two are
 * held together by a test that runs the real executable against this class.
 *
 * <pre>
 * call:   "PODNIC-CNI 1\n", "NAME=value\n" per CNI_* variable set, "\n", the configuration up to end of stream
 * answer: the exit status in decimal, "\n", the plugin's stdout up to end of stream
 * </pre>
 *
 * Hand-written rather than JSON because its other end is a small C program with no JSON library:
 * the configuration travels as the opaque bytes the runtime gave.
 */
public final class CniCallWire {
    public static final String MAGIC = "PODNIC-CNI 1";
    /** The variables a CNI call carries (the spec's "Parameters"). */
    public static final List<String> VARIABLES = List.of("CNI_COMMAND", "CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_ARGS",
            "CNI_PATH");

    private CniCallWire() {
    }

    /** One CNI call as the runtime made it: its environment (CNI_* only) and its stdin. */
    public record CniCall(Map<String, String> env, byte[] config) {
        public CniCall {
            env = Map.copyOf(env);
        }

        public String get(String variable) {
            return env.getOrDefault(variable, "");
        }

        public String command() {
            return get("CNI_COMMAND");
        }
    }

    /** What the plugin prints and the status it exits with. */
    public record CniAnswer(int exitCode, byte[] stdout) {
    }

    public static byte[] call(CniCall c) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((MAGIC + "\n").getBytes(StandardCharsets.UTF_8));
        for (String v : VARIABLES) {
            if (c.env().containsKey(v)) {
                out.writeBytes((v + "=" + c.env().get(v) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        out.write('\n');
        out.writeBytes(c.config());
        return out.toByteArray();
    }

    /** The call in {@code whole} (everything up to end of stream), or {@link NodeWire.MalformedException}. */
    public static CniCall readCall(byte[] whole) {
        Map<String, String> env = new LinkedHashMap<>();
        int at = 0;
        boolean first = true;
        while (true) {
            int nl = indexOf(whole, (byte) '\n', at);
            if (nl < 0) {
                throw malformed(first ? "not a podnic-shim call (expected \"" + MAGIC + "\")" : "the call's variables do not end");
            }
            String line = new String(whole, at, nl - at, StandardCharsets.UTF_8);
            at = nl + 1;
            if (first) {
                if (!line.equals(MAGIC)) {
                    throw malformed("not a podnic-shim call (expected \"" + MAGIC + "\", got \"" + abbreviate(line)
                            + "\"): is podnic-shim the same version as the daemon?");
                }
                first = false;
                continue;
            }
            if (line.isEmpty()) {
                return new CniCall(env, Arrays.copyOfRange(whole, at, whole.length));
            }
            int eq = line.indexOf('=');
            String name = eq < 0 ? line : line.substring(0, eq);
            if (eq < 0 || !VARIABLES.contains(name) || env.containsKey(name)) {
                throw malformed("unexpected line in a podnic-shim call: \"" + abbreviate(line) + "\"");
            }
            env.put(name, line.substring(eq + 1));
        }
    }

    public static byte[] answer(CniAnswer a) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((a.exitCode() + "\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(a.stdout());
        return out.toByteArray();
    }

    public static CniAnswer readAnswer(byte[] whole) {
        int nl = indexOf(whole, (byte) '\n', 0);
        if (nl < 0) {
            throw malformed("an answer without a status line");
        }
        try {
            return new CniAnswer(Integer.parseInt(new String(whole, 0, nl, StandardCharsets.US_ASCII)),
                    Arrays.copyOfRange(whole, nl + 1, whole.length));
        } catch (NumberFormatException e) {
            throw malformed("an answer whose status is not a number");
        }
    }

    private static int indexOf(byte[] b, byte x, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }

    private static NodeWire.MalformedException malformed(String msg) {
        return new NodeWire.MalformedException(NodeError.of(NodeError.MALFORMED, msg));
    }
}
