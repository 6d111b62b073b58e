package dev.podnic.k8s.crd;

import java.util.ArrayList;
import java.util.List;

/** {@code status}: what the node side made of each vNIC. Written by the controller, never by users. */
public class VmiStatus {
    private VmiPhase phase;
    private List<InterfaceStatus> interfaces = new ArrayList<>();

    public VmiPhase getPhase() {
        return phase;
    }

    public void setPhase(VmiPhase phase) {
        this.phase = phase;
    }

    public List<InterfaceStatus> getInterfaces() {
        return interfaces;
    }

    public void setInterfaces(List<InterfaceStatus> interfaces) {
        this.interfaces = interfaces;
    }

    /** {@code status.interfaces[]}: one vNIC as bound on its node. */
    public static class InterfaceStatus {
        private String name;
        private String mac;
        private List<String> ipAddresses = new ArrayList<>();
        /** The VMI interface in the pod netns the CNI ADD ran for (e.g. {@code vmi0}). */
        private String interfaceName;
        private String node;
        private InterfacePhase phase;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getMac() {
            return mac;
        }

        public void setMac(String mac) {
            this.mac = mac;
        }

        public List<String> getIpAddresses() {
            return ipAddresses;
        }

        public void setIpAddresses(List<String> ipAddresses) {
            this.ipAddresses = ipAddresses;
        }

        public String getInterfaceName() {
            return interfaceName;
        }

        public void setInterfaceName(String interfaceName) {
            this.interfaceName = interfaceName;
        }

        public String getNode() {
            return node;
        }

        public void setNode(String node) {
            this.node = node;
        }

        public InterfacePhase getPhase() {
            return phase;
        }

        public void setPhase(InterfacePhase phase) {
            this.phase = phase;
        }
    }
}
