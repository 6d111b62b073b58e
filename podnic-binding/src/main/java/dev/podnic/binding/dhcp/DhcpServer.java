package dev.podnic.binding.dhcp;

/**
 * A DHCP service serving one vNIC, as recorded: enough to find and stop it again after podnic
 * itself was restarted or killed.
 *
 * @param backend the backend's name ("dnsmasq", "libvirt")
 * @param bridge  the bridge it serves
 * @param ref     the backend's handle: "pid:1234" for dnsmasq, the network name for libvirt
 */
public record DhcpServer(String backend, String bridge, String ref) {
}
