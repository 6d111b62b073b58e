package dev.podnic.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NodeMetricsTest {
    @Test
    void theGaugesFollowWhatTheyWatch() {
        AtomicInteger servers = new AtomicInteger(2);
        try (NodeMetrics metrics = new NodeMetrics(() -> 5)) {
            metrics.dhcpServers(servers::get);
            metrics.gc(1, 0);
            assertThat(metrics.scrape()).contains("podnic_attachments 5.0").contains("podnic_dhcp_servers 2.0")
                    .contains("podnic_gc_runs_total 1.0").contains("podnic_gc_freed_total 1.0");
            servers.set(0);
            assertThat(metrics.scrape()).contains("podnic_dhcp_servers 0.0");
        }
    }
}
