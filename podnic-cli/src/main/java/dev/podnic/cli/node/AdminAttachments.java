package dev.podnic.cli.node;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podnic.k8s.agent.NodeAttachments;
import dev.podnic.node.api.AdminClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The node agent's view of the node daemon, over the daemon's admin socket. */
public final class AdminAttachments implements NodeAttachments {
    private final AdminClient admin;

    public AdminAttachments(Path adminSocket) {
        this.admin = new AdminClient(adminSocket);
    }

    @Override
    public List<Attachment> list() throws IOException {
        List<Attachment> out = new ArrayList<>();
        for (JsonNode a : admin.attachments()) {
            List<String> ips = new ArrayList<>();
            a.path("result").path("ips").forEach(ip -> ips.add(ip.path("address").asText()));
            out.add(new Attachment(a.path("vmi").asText(null), a.path("ifName").asText(),
                    a.path("network").asText(), a.path("state").asText(), ips, a.path("podUid").asText(null)));
        }
        return out;
    }

    @Override
    public List<Attachment> release(String vmi) throws IOException {
        List<Attachment> out = new ArrayList<>();
        for (JsonNode a : admin.release(vmi)) {
            out.add(new Attachment(vmi, a.path("ifName").asText(), a.path("network").asText(), "RELEASED", List.of(), null));
        }
        return out;
    }
}
