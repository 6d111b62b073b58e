package dev.podnic.node.server;

import java.util.Set;

/**
 * What one pod may ask of the daemon: a pod's IPs come from the node's pool, which the kubelet's pods
 * share, and only networks the operator chose may reach a pod through the daemon.
 *
 * @param maxInterfacesPerPod VMI interfaces one pod's namespace may hold at once
 * @param allowedNetworks     CNI networks launchers may request
 */
public record Limits(int maxInterfacesPerPod, Set<String> allowedNetworks) {
    public static final int DEFAULT_MAX_INTERFACES_PER_POD = 16;

    public Limits {
        allowedNetworks = Set.copyOf(allowedNetworks);
    }

    /** 16 interfaces per pod (as many as a VM spec may name), and only the node's default network. */
    public static Limits defaults(String defaultNetwork) {
        return new Limits(DEFAULT_MAX_INTERFACES_PER_POD, Set.of(defaultNetwork));
    }
}
