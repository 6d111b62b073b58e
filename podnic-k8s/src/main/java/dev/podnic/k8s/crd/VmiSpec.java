package dev.podnic.k8s.crd;

import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** {@code spec}: the domain's devices and the networks its interfaces bind to. */
@ValidationRule(value = "!has(self.domain.devices.interfaces) || self.domain.devices.interfaces.all(i, !has(i.bridge) || has(self.networks) && self.networks.exists(n, n.name == i.name))",
        message = "every interface with bridge: {} needs a network of the same name in spec.networks")
@ValidationRule(value = "!has(self.networks) || self.networks.all(n, has(self.domain.devices.interfaces) && self.domain.devices.interfaces.exists(i, has(i.name) && i.name == n.name))",
        message = "every network in spec.networks needs an interface of the same name (seed-form interfaces take none)")
@ValidationRule(value = "self == oldSelf", message = "spec is immutable: delete the VM instance and create it again")
public class VmiSpec {
    @Required
    private Domain domain = new Domain();
    @Size(max = 16)
    @ValidationRule(value = "self.all(a, self.exists_one(b, b.name == a.name))", message = "duplicate network name")
    private List<Network> networks = new ArrayList<>();

    public Domain getDomain() {
        return domain;
    }

    public void setDomain(Domain domain) {
        this.domain = domain;
    }

    public List<Network> getNetworks() {
        return networks;
    }

    public void setNetworks(List<Network> networks) {
        this.networks = networks;
    }

    /** {@code spec.domain}. */
    public static class Domain {
        @Required
        private Devices devices = new Devices();

        public Devices getDevices() {
            return devices;
        }

        public void setDevices(Devices devices) {
            this.devices = devices;
        }
    }

    /** {@code spec.domain.devices}. */
    public static class Devices {
        /** An interface's MAC in either form, or '' (CEL has no functions: spelled out per variable). */
        private static final String MAC_OF_A = "(has(a.macAddress) ? a.macAddress : has(a.mac) && has(a.mac.address) ? a.mac.address : '')";
        private static final String MAC_OF_B = "(has(b.macAddress) ? b.macAddress : has(b.mac) && has(b.mac.address) ? b.mac.address : '')";

        @Size(max = 16)
        @ValidationRule(value = "self.all(a, !has(a.name) || self.exists_one(b, has(b.name) && b.name == a.name))",
                message = "duplicate interface name")
        @ValidationRule(value = "self.all(a, " + MAC_OF_A + " == '' || self.exists_one(b, " + MAC_OF_B + ".lowerAscii() == "
                + MAC_OF_A + ".lowerAscii()))", message = "duplicate MAC address")
        @ValidationRule(value = "self.all(i, has(i.type)) || self.all(i, !has(i.type))",
                message = "interfaces are all in the seed's form (type: pod-network) or all in KubeVirt's (bridge: {})")
        private List<VmiInterface> interfaces = new ArrayList<>();

        public List<VmiInterface> getInterfaces() {
            return interfaces;
        }

        public void setInterfaces(List<VmiInterface> interfaces) {
            this.interfaces = interfaces;
        }
    }
}
