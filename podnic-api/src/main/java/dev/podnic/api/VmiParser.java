package dev.podnic.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.podnic.inet.MacAddress;
import dev.podnic.json.JsonTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a VM instance from YAML or JSON in either accepted form and returns it validated and
 * defaulted, or throws {@link SpecException} listing every problem with its field path and value.
 *
 * <ul>
 *   <li>seed form: {@code kind: VirtualMachine}, {@code spec.domain.devices.interfaces[]} with
 *       {@code type: pod-network}, optional {@code mac.address} and {@code model.type};</li>
 *   <li>KubeVirt form: {@code kind: VirtualMachineInstance} (or a {@code VirtualMachine} with
 *       {@code spec.template.spec}), interfaces with {@code name} and {@code bridge: {}}, optional
 *       {@code macAddress} and {@code model}, each bound to a {@code spec.networks[]} entry with
 *       {@code pod: {}}.</li>
 * </ul>
 * A {@code VirtualMachineInstance} (podnic.dev's CRD) may carry the seed's interfaces instead: when
 * an interface says {@code type}, the list is read in the seed's form.
 */
public final class VmiParser {
    /** Each vNIC costs one pod IP and one VMI interface; more than this is almost surely a mistake. */
    public static final int MAX_NICS = 16;
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
    private static final Set<String> OTHER_BINDINGS = Set.of("masquerade", "sriov", "slirp", "passt", "macvtap", "binding");

    /** YAML (and so JSON) read into trees by JsonTrees: no ObjectMapper (a cold `vmi up` reads its VM with this). */
    private final YAMLFactory yaml = new YAMLFactory();

    /** A NIC as written, before validation. */
    private record RawNic(String path, String name, String macPath, String mac, String modelPath, String model) {
    }

    private JsonNode readTree(String text) throws JsonProcessingException {
        try (JsonParser p = yaml.createParser(text)) {
            return JsonTrees.read(p);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // (none: the text is in memory)
        }
    }

    public VmiSpec parse(byte[] bytes, String source) {
        JsonNode root;
        try {
            root = readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new SpecException(source, List.of(new SpecError("", "", "not valid YAML/JSON: "
                    + e.getOriginalMessage() + " (line " + e.getLocation().getLineNr() + ")")));
        }
        List<SpecError> errors = new ArrayList<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new SpecException(source, List.of(new SpecError("", "", "the file is empty; expected a VirtualMachine or "
                    + "VirtualMachineInstance object (kind, metadata, spec)")));
        }
        if (!root.isObject()) {
            throw new SpecException(source, List.of(new SpecError("", brief(root),
                    "expected a VirtualMachine or VirtualMachineInstance object (kind, metadata, spec)")));
        }
        String kind = root.path("kind").asText("");
        JsonNode spec;
        VmiSpec.Form form;
        if (kind.equals("VirtualMachine") && root.path("spec").has("template")) {
            spec = root.path("spec").path("template").path("spec");
            form = VmiSpec.Form.KUBEVIRT;
        } else if (kind.equals("VirtualMachine")) {
            spec = root.path("spec");
            form = VmiSpec.Form.SEED;
        } else if (kind.equals("VirtualMachineInstance")) {
            spec = root.path("spec");
            // The podnic.dev CRD takes either interface form; an interface with a type is the seed's.
            form = seedInterfaces(spec) ? VmiSpec.Form.SEED : VmiSpec.Form.KUBEVIRT;
        } else {
            throw new SpecException(source, List.of(new SpecError("kind", kind,
                    "expected VirtualMachine (seed form, or KubeVirt with spec.template) or VirtualMachineInstance")));
        }
        String specPath = form == VmiSpec.Form.KUBEVIRT && kind.equals("VirtualMachine") ? "spec.template.spec" : "spec";
        if (!spec.isObject()) {
            errors.add(new SpecError(specPath, spec.isMissingNode() ? "" : brief(spec), spec.isMissingNode()
                    ? "missing; a VM's interfaces are in " + specPath + ".domain.devices.interfaces"
                    : "must be an object with domain.devices.interfaces"));
        }

        JsonNode meta = root.path("metadata");
        String name = meta.path("name").asText("");
        if (name.isEmpty()) {
            errors.add(new SpecError("metadata.name", "", "missing; every VM needs a name (lowercase letters, digits, '-')"));
        } else if (name.length() > 63 || !DNS_LABEL.matcher(name).matches()) {
            errors.add(new SpecError("metadata.name", name, "must be 1-63 lowercase letters, digits or '-', starting and ending alphanumeric"));
        }
        String namespace = meta.path("namespace").asText("default");
        if (namespace.length() > 63 || !DNS_LABEL.matcher(namespace).matches()) {
            errors.add(new SpecError("metadata.namespace", namespace, "must be a valid Kubernetes namespace name"));
        }
        String uid = meta.path("uid").asText("");

        String ifPath = specPath + ".domain.devices.interfaces";
        JsonNode interfaces = spec.path("domain").path("devices").path("interfaces");
        List<RawNic> raw = new ArrayList<>();
        if (!interfaces.isMissingNode() && !interfaces.isNull() && !interfaces.isArray()) {
            errors.add(new SpecError(ifPath, brief(interfaces), "must be a list of interfaces"));
        } else if (form == VmiSpec.Form.SEED) {
            readSeed(interfaces, ifPath, raw, errors);
            JsonNode networks = spec.path("networks");
            if (networks.isArray() && !networks.isEmpty()) {
                errors.add(new SpecError(specPath + ".networks", brief(networks), "the seed form (type: pod-network) binds to the "
                        + "pod network by itself; networks pair with KubeVirt's form (name + bridge: {})"));
            }
        } else {
            readKubeVirt(interfaces, ifPath, spec.path("networks"), specPath + ".networks", raw, errors);
        }
        if (raw.size() > MAX_NICS) {
            errors.add(new SpecError(ifPath, Integer.toString(raw.size()), "too many pod-network interfaces (at most "
                    + MAX_NICS + "; each one takes a pod IP)"));
        }
        List<VNic> nics = validate(raw, errors);
        if (!errors.isEmpty()) {
            throw new SpecException(source, errors);
        }
        VmiSpec partial = new VmiSpec(namespace, name, uid, form, List.of());
        List<VNic> defaulted = new ArrayList<>();
        for (VNic n : nics) {
            defaulted.add(n.mac() != null ? n
                    : new VNic(n.index(), n.name(), VmNames.of(partial.identity()).defaultMac(n.index()), true, n.model()));
        }
        return new VmiSpec(namespace, name, uid, form, defaulted);
    }

    /** Whether an interface list is in the seed's form: some interface says {@code type}. */
    private static boolean seedInterfaces(JsonNode spec) {
        JsonNode interfaces = spec.path("domain").path("devices").path("interfaces");
        if (!interfaces.isArray()) {
            return false;
        }
        for (JsonNode n : interfaces) {
            if (n.has("type")) {
                return true;
            }
        }
        return false;
    }

    private static void readSeed(JsonNode interfaces, String ifPath, List<RawNic> raw, List<SpecError> errors) {
        for (int i = 0; i < interfaces.size(); i++) {
            JsonNode n = interfaces.get(i);
            String p = ifPath + "[" + i + "]";
            String type = n.path("type").asText("");
            if (!type.equals("pod-network")) {
                errors.add(new SpecError(p + ".type", type, type.isEmpty()
                        ? "missing; expected pod-network" : "unknown interface type; podnic handles pod-network"));
                continue;
            }
            for (String kubeVirtField : List.of("name", "bridge", "macAddress")) {
                if (n.has(kubeVirtField)) {
                    JsonNode v = n.get(kubeVirtField);
                    errors.add(new SpecError(p + "." + kubeVirtField, v.isValueNode() ? v.asText() : brief(v), "belongs to KubeVirt's form; the seed "
                            + "form names nothing and uses type: pod-network, mac.address and model.type"));
                }
            }
            JsonNode model = n.path("model");
            if (model.isValueNode()) {
                errors.add(new SpecError(p + ".model", model.asText(), "the seed form writes model: {type: NAME}"));
                continue;
            }
            raw.add(new RawNic(p, "nic" + raw.size(), p + ".mac.address", text(n.path("mac").path("address")),
                    p + ".model.type", text(model.path("type"))));
        }
    }

    private static void readKubeVirt(JsonNode interfaces, String ifPath, JsonNode networks, String netPath,
                                     List<RawNic> raw, List<SpecError> errors) {
        Map<String, Integer> networkIndex = new LinkedHashMap<>();
        if (networks.isArray()) {
            for (int j = 0; j < networks.size(); j++) {
                JsonNode net = networks.get(j);
                String n = net.path("name").asText("");
                if (n.isEmpty()) {
                    errors.add(new SpecError(netPath + "[" + j + "].name", "", "missing"));
                } else if (networkIndex.putIfAbsent(n, j) != null) {
                    errors.add(new SpecError(netPath + "[" + j + "].name", n, "duplicate network name"));
                } else if (!net.has("pod")) {
                    errors.add(new SpecError(netPath + "[" + j + "]", n, net.has("multus")
                            ? "multus networks are not supported; podnic binds to the pod network (pod: {})"
                            : "expected pod: {}"));
                }
            }
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; interfaces.isArray() && i < interfaces.size(); i++) {
            JsonNode n = interfaces.get(i);
            String p = ifPath + "[" + i + "]";
            String name = n.path("name").asText("");
            if (name.isEmpty()) {
                errors.add(new SpecError(p + ".name", "", "missing; every interface names its network"));
                continue;
            }
            if (name.length() > 15 || !DNS_LABEL.matcher(name).matches()) {
                errors.add(new SpecError(p + ".name", name,
                        "must be 1-15 lowercase letters, digits or '-', starting and ending alphanumeric (it names Linux interfaces)"));
            }
            if (seen.putIfAbsent(name, i) != null) {
                errors.add(new SpecError(p + ".name", name, "duplicate interface name (also " + ifPath + "[" + seen.get(name) + "])"));
            }
            String other = OTHER_BINDINGS.stream().filter(n::has).findFirst().orElse(null);
            if (other != null) {
                errors.add(new SpecError(p + "." + other, "", "binding " + other + " is not supported; podnic gives pod-network vNICs with bridge: {}"));
                continue;
            }
            if (!n.has("bridge")) {
                errors.add(new SpecError(p, name, "no binding; expected bridge: {}"));
                continue;
            }
            if (n.has("mac")) {
                errors.add(new SpecError(p + ".mac", brief(n.get("mac")), "the seed form's; KubeVirt's form writes macAddress"));
            }
            if (!networkIndex.containsKey(name)) {
                errors.add(new SpecError(p + ".name", name, "no network of that name in " + netPath));
                continue;
            }
            raw.add(new RawNic(p, name, p + ".macAddress", text(n.path("macAddress")), p + ".model", text(n.path("model"))));
        }
        networkIndex.forEach((n, j) -> {
            if (!seen.containsKey(n)) {
                errors.add(new SpecError(netPath + "[" + j + "].name", n, "no interface uses this network"));
            }
        });
    }

    private static List<VNic> validate(List<RawNic> raw, List<SpecError> errors) {
        List<VNic> out = new ArrayList<>();
        Map<MacAddress, String> macs = new HashMap<>();
        for (int i = 0; i < raw.size(); i++) {
            RawNic r = raw.get(i);
            MacAddress mac = null;
            if (r.mac() != null) {
                try {
                    mac = MacAddress.parse(r.mac().replace('-', ':'));
                    if (mac.isZero()) {
                        errors.add(new SpecError(r.macPath(), r.mac(), "the all-zero MAC is not a NIC address"));
                    } else if (mac.isMulticast()) {
                        errors.add(new SpecError(r.macPath(), r.mac(), "a multicast/broadcast MAC (first byte odd) cannot be a NIC address"));
                    } else if (macs.containsKey(mac)) {
                        errors.add(new SpecError(r.macPath(), r.mac(), "duplicate MAC (also " + macs.get(mac) + ")"));
                    } else {
                        macs.put(mac, r.macPath());
                    }
                } catch (IllegalArgumentException e) {
                    errors.add(new SpecError(r.macPath(), r.mac(), "not a MAC address; expected six hex pairs like 02:00:00:00:00:01"));
                }
            }
            NicModel model = NicModel.VIRTIO;
            if (r.model() != null) {
                model = NicModel.find(r.model()).orElse(null);
                if (model == null) {
                    errors.add(new SpecError(r.modelPath(), r.model(), "unknown NIC model; accepted: " + NicModel.accepted()));
                }
            }
            out.add(new VNic(i, r.name(), mac, false, model == null ? NicModel.VIRTIO : model));
        }
        return out;
    }

    private static String text(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? null : n.asText();
    }

    private static String brief(JsonNode n) {
        String s = n.toString();
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }
}
