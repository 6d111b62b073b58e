package dev.podnic.cni.result;

import dev.podnic.inet.IpNet;
import java.net.InetAddress;

/**
 * One address a plugin assigned.
 *
 * @param interfaceIndex index into {@link CniResult#interfaces()}, or null when not given
 * @param gateway        may be null
 */
public record IpConfig(Integer interfaceIndex, IpNet address, InetAddress gateway) {

    public boolean isIpv4() {
        return address.isIpv4();
    }
}
