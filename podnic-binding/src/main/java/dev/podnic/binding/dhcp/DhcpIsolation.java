package dev.podnic.binding.dhcp;

import dev.podnic.netlink.netns.NetnsThread;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Keeps DHCP on the VM's side of a vNIC's bridge: an nftables table (bridge family, in the pod)
 * drops DHCP that would cross the VMI interface in either direction — the guest's requests never
 * reach the cluster network's servers, other pods' requests never reach the vNIC's server, and the
 * server's answers never leave toward the cluster. Without it a server that answers any client
 * (the KubeVirt binding's) would hand the guest's address to whoever asks on the node's bridge.
 * One table per vNIC bridge ({@code podnic_<bridge>}), replaced atomically, removed with the vNIC.
 */
public final class DhcpIsolation {
    private final NetnsThread pod;
    private final Path nft;

    public DhcpIsolation(NetnsThread pod, Path nft) {
        this.pod = pod;
        this.nft = nft;
    }

    public static String table(String bridge) {
        return "podnic_" + bridge.replace('-', '_');
    }

    /**
     * The batch that (re)creates the table: an existing one is replaced in the same transaction.
     *
     * @param vmiInterface the bridge's port toward the cluster network
     */
    static String ruleset(String bridge, String vmiInterface) {
        String t = table(bridge);
        String port = "\"" + vmiInterface + "\"";
        return "add table bridge " + t + "\n"
                + "delete table bridge " + t + "\n"
                + "table bridge " + t + " {\n"
                + " chain forward {\n"
                + "  type filter hook forward priority 0; policy accept;\n"
                + "  iifname " + port + " udp dport { 67, 68 } drop\n"
                + "  oifname " + port + " udp dport { 67, 68 } drop\n"
                + " }\n"
                + " chain input {\n"
                + "  type filter hook input priority 0; policy accept;\n"
                + "  iifname " + port + " udp dport { 67, 68 } drop\n"
                + " }\n"
                + " chain output {\n"
                + "  type filter hook output priority 0; policy accept;\n"
                + "  oifname " + port + " udp dport { 67, 68 } drop\n"
                + " }\n"
                + "}\n";
    }

    public void apply(String bridge, String vmiInterface) {
        run("isolate DHCP on " + vmiInterface, ruleset(bridge, vmiInterface));
    }

    /** Idempotent: nothing to do when the table is gone. */
    public void remove(String bridge) {
        String t = table(bridge);
        run("remove the DHCP isolation of " + bridge, "add table bridge " + t + "\ndelete table bridge " + t + "\n");
    }

    private void run(String what, String batch) {
        try {
            Process p = pod.call(new ProcessBuilder(List.of(nft.toString(), "-f", "-")).redirectErrorStream(true)::start);
            p.getOutputStream().write(batch.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new DhcpException(what + ": nft did not finish within 10 s");
            }
            if (p.exitValue() != 0) {
                throw new DhcpException(what + ": nft failed (status " + p.exitValue() + "): " + out);
            }
        } catch (DhcpException e) {
            throw e;
        } catch (Exception e) {
            throw new DhcpException(what + ": cannot run " + nft + ": " + e.getMessage());
        }
    }
}
