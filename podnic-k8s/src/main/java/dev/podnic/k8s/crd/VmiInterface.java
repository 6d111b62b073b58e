package dev.podnic.k8s.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** {@code spec.domain.devices.interfaces[]}: one pod-network vNIC. */
public class VmiInterface {
    /** A DNS label of at most 15 characters: it names Linux interfaces. */
    public static final String NAME_PATTERN = "^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$";
    /** Six hex pairs; the first byte even (unicast). The all-zero address is ruled out by a CEL rule. */
    public static final String MAC_PATTERN = "^[0-9a-fA-F][02468aceACE]([:-][0-9a-fA-F]{2}){5}$";
    /** Kept equal to {@link dev.podnic.api.NicModel} by a test. */
    public static final String MODEL_PATTERN = "^(virtio|e1000|e1000e|igb|ne2k_pci|pcnet|rtl8139)$";

    @Required
    @Pattern(NAME_PATTERN)
    private String name;
    @Required
    private Binding bridge;
    @Pattern(MAC_PATTERN)
    @ValidationRule(value = "!self.matches('^(00[:-]){5}00$')", message = "the all-zero MAC is not a NIC address")
    private String macAddress;
    @Pattern(MODEL_PATTERN)
    private String model;

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

    public String getModel() {
        return model;
    }

    public void setModel(String model) {
        this.model = model;
    }

    /**
     * The empty object that selects a binding ({@code bridge: {}}) or a network source ({@code pod: {}}).
     * The class annotation makes Jackson write it as {@code {}} instead of refusing an empty bean.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Binding {
    }
}
