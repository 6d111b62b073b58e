package dev.podnic.cli.cni;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podnic.cli.LongOptions;
import dev.podnic.cli.UserError;
import dev.podnic.cni.RuntimeConf;
import dev.podnic.json.JsonTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/** Which attachment an add/check/del acts on. */
public final class AttachmentOptions {
    // Each name and default once, for the picocli declaration and the start path alike.
    static final String NET = "--net";
    static final String NETNS = "--netns";
    static final String IFNAME = "--ifname";
    static final String IFNAME_DEFAULT = "eth0";
    static final String CONTAINER_ID = "--container-id";
    static final String ARGS = "--args";
    static final String CAP_ARGS = "--cap-args";

    @Option(names = NET, required = true, paramLabel = "NAME", description = "Network name, as in --conf-dir.")
    String network;

    @Option(names = NETNS, paramLabel = "PATH", description = "The container's network namespace, e.g. /run/netns/pod1.")
    String netns;

    @Option(names = IFNAME, paramLabel = "IF", defaultValue = IFNAME_DEFAULT,
            description = "Interface name in the container (default: ${DEFAULT-VALUE}).")
    String ifName;

    @Option(names = CONTAINER_ID, paramLabel = "ID",
            description = "Attachment owner (default: derived from --netns, as cnitool does).")
    String containerId;

    @Option(names = ARGS, paramLabel = "K=V[;K=V...]", description = "CNI_ARGS passed to every plugin.")
    String args;

    @Option(names = CAP_ARGS, paramLabel = "JSON",
            description = "Capability arguments as a JSON object, e.g. '{\"mac\":\"02:00:00:00:00:01\"}'; "
                    + "each key reaches only plugins declaring that capability.")
    String capArgs;

    /** The long names above: what a start-path command line ({@link dev.podnic.cli.StartPath}) may give. */
    static final Set<String> NAMES = Set.of(NET, NETNS, IFNAME, CONTAINER_ID, ARGS, CAP_ARGS);

    /**
     * These options read from a start-path command line, with the defaults declared above (CniStartPathTest
     * holds them equal); without the required --net the command line is picocli's to answer.
     */
    static AttachmentOptions of(LongOptions o) {
        AttachmentOptions a = new AttachmentOptions();
        a.network = o.value(NET, null);
        if (a.network == null) {
            throw new LongOptions.NotHere(NET + " is required");
        }
        a.netns = o.value(NETNS, null);
        a.ifName = o.value(IFNAME, IFNAME_DEFAULT);
        a.containerId = o.value(CONTAINER_ID, null);
        a.args = o.value(ARGS, null);
        a.capArgs = o.value(CAP_ARGS, null);
        return a;
    }

    RuntimeConf toRuntimeConf(boolean netnsRequired) {
        if (netnsRequired && (netns == null || netns.isBlank())) {
            throw new UserError("--netns is required for this command");
        }
        String id = containerId != null ? containerId : derivedContainerId();
        return new RuntimeConf(id, netns, ifName, parseArgs(args), parseCapArgs(capArgs));
    }

    private String derivedContainerId() {
        if (netns == null || netns.isBlank()) {
            throw new UserError("give --container-id (or --netns, from which it is derived)");
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-512").digest(netns.getBytes(StandardCharsets.UTF_8));
            return "cnitool-" + HexFormat.of().formatHex(digest).substring(0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Map.Entry<String, String>> parseArgs(String text) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String pair : text.split(";")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new UserError("--args: \"" + pair + "\" is not KEY=VALUE (pairs are separated by ';')");
            }
            out.add(Map.entry(pair.substring(0, eq), pair.substring(eq + 1)));
        }
        return out;
    }

    static Map<String, JsonNode> parseCapArgs(String text) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        JsonNode node;
        try {
            node = JsonTrees.read(text);
        } catch (IOException e) {
            throw new UserError("--cap-args is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (node == null || !node.isObject()) {
            throw new UserError("--cap-args must be a JSON object, e.g. '{\"mac\":\"02:00:00:00:00:01\"}'");
        }
        node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }
}
