package dev.podnic.binding.plan;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.api.VmiParser;
import dev.podnic.api.VmiSpec;
import dev.podnic.cni.result.CniResult;
import dev.podnic.cni.result.ResultJson;
import dev.podnic.cni.version.SpecVersion;
import dev.podnic.inet.IpLiteral;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A two-vNIC VM, a bridge plugin result and pod facts, shared by the plan and DHCP tests. */
public final class PlanFixtures {
    private PlanFixtures() {
    }

    public static final VmiSpec VMI = new VmiParser().parse(("kind: VirtualMachine\nmetadata: {name: testvm}\n"
            + "spec: {domain: {devices: {interfaces: [{type: pod-network, mac: {address: '00:11:22:33:44:55'}}, "
            + "{type: pod-network}]}}}").getBytes(StandardCharsets.UTF_8), "t");

    public static final PodFacts FACTS = new PodFacts(1450, List.of(), List.of(IpLiteral.parse("192.0.2.53")), List.of("example.test"));

    /** What the bridge plugin (1.1.1) returns for vmi0: bridge, host veth, then the pod interface. */
    public static CniResult bridgeResult(String address, String gateway) throws Exception {
        return ResultJson.parse(new ObjectMapper().readTree("{\"cniVersion\":\"1.0.0\",\"interfaces\":["
                + "{\"name\":\"cni0\",\"mac\":\"0a:00:00:00:00:01\"},{\"name\":\"veth1\",\"mac\":\"0a:00:00:00:00:02\"},"
                + "{\"name\":\"vmi0\",\"mac\":\"0a:00:00:00:00:03\",\"sandbox\":\"/run/netns/p\"}],"
                + "\"ips\":[{\"interface\":2,\"address\":\"" + address + "\",\"gateway\":\"" + gateway + "\"}],"
                + "\"routes\":[{\"dst\":\"0.0.0.0/0\"}],\"dns\":{\"nameservers\":[\"10.96.0.10\"],\"search\":[\"svc.cluster.local\"]}}"),
                SpecVersion.V1_0_0);
    }
}
