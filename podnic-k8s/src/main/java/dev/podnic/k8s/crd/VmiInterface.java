package dev.podnic.k8s.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * {@code spec.domain.devices.interfaces[]}: one pod-network vNIC, in KubeVirt's form ({@code name},
 * {@code bridge: {}}, {@code macAddress}, {@code model: virtio}) or the seed's ({@code type:
 * pod-network}, {@code mac: {address}}, {@code model: {type: virtio}}). The forms differ in one
 * field's type — {@code model} is a string in one and an object in the other — which a structural
 * schema cannot say, so {@code model} is left untyped and a CEL rule checks it per form.
 */
@ValidationRule(value = "has(self.bridge) != has(self.type)",
        message = "an interface is either KubeVirt's (name and bridge: {}) or the seed's (type: pod-network)")
@ValidationRule(value = "!has(self.bridge) || has(self.name)", message = "an interface with bridge: {} needs a name (its network's)")
@ValidationRule(value = "!has(self.type) || (!has(self.name) && !has(self.macAddress))",
        message = "a seed-form interface (type: pod-network) has no name and writes its MAC as mac.address")
@ValidationRule(value = "!has(self.bridge) || !has(self.mac)", message = "an interface with bridge: {} writes its MAC as macAddress")
@ValidationRule(value = "!has(self.model) || (has(self.bridge) ? type(self.model) == string && self.model in " + VmiInterface.MODELS
        + " : type(self.model) == map && has(self.model.type) && self.model.type in " + VmiInterface.MODELS + ")",
        message = "model: one of virtio, e1000, e1000e, igb, ne2k_pci, pcnet, rtl8139 (the seed's form writes {type: NAME})")
public class VmiInterface {
    /** A DNS label of at most 15 characters: it names Linux interfaces. */
    public static final String NAME_PATTERN = "^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$";
    /** Six hex pairs; the first byte even (unicast). The all-zero address is ruled out by a CEL rule. */
    public static final String MAC_PATTERN = "^[0-9a-fA-F][02468aceACE]([:-][0-9a-fA-F]{2}){5}$";
    /** The NIC models as a CEL list; kept equal to {@link dev.podnic.api.NicModel} by a test. */
    public static final String MODELS = "['virtio', 'e1000', 'e1000e', 'igb', 'ne2k_pci', 'pcnet', 'rtl8139']";
    static final String NOT_ZERO_RULE = "!self.matches('^(00[:-]){5}00$')";
    static final String NOT_ZERO_MESSAGE = "the all-zero MAC is not a NIC address";

    @Pattern(NAME_PATTERN)
    private String name;
    private Binding bridge;
    @Pattern(MAC_PATTERN)
    @ValidationRule(value = NOT_ZERO_RULE, message = NOT_ZERO_MESSAGE)
    private String macAddress;
    /** KubeVirt's form: a model name; the seed's: {@code {type: NAME}}. */
    @PreserveUnknownFields
    private Object model;
    /** The seed's form: always {@code pod-network}. */
    @Pattern("^pod-network$")
    private String type;
    /** The seed's form of the MAC. */
    private SeedMac mac;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Binding getBridge() {
        return bridge;
    }

    public void setBridge(Binding bridge) {
        this.bridge = bridge;
    }

    public String getMacAddress() {
        return macAddress;
    }

    public void setMacAddress(String macAddress) {
        this.macAddress = macAddress;
    }

    public Object getModel() {
        return model;
    }

    public void setModel(Object model) {
        this.model = model;
    }

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public SeedMac getMac() {
        return mac;
    }

    public void setMac(SeedMac mac) {
        this.mac = mac;
    }

    /**
     * The empty object that selects a binding ({@code bridge: {}}) or a network source ({@code pod: {}}).
     * The class annotation makes Jackson write it as {@code {}} instead of refusing an empty bean.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Binding {
    }

    /** The seed's {@code mac: {address: ...}}. */
    public static class SeedMac {
        @Pattern(MAC_PATTERN)
        @ValidationRule(value = NOT_ZERO_RULE, message = NOT_ZERO_MESSAGE)
        private String address;

        public String getAddress() {
            return address;
        }

        public void setAddress(String address) {
            this.address = address;
        }
    }
}
