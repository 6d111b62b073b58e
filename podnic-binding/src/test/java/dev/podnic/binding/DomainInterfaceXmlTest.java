package dev.podnic.binding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnic.binding.domain.DomainInterfaceXml;
import dev.podnic.binding.plan.PlanFixtures;
import org.junit.jupiter.api.Test;

class DomainInterfaceXmlTest {
    @Test
    void networkAndBridgeForms() {
        assertThat(DomainInterfaceXml.forNetwork(PlanFixtures.VMI.nics().get(0), "podnic-1a2b3c4d-vmi0")).isEqualTo("""
                <interface type='network'>
                  <mac address='00:11:22:33:44:55'/>
                  <source network='podnic-1a2b3c4d-vmi0'/>
                  <model type='virtio'/>
                </interface>""");
        assertThat(DomainInterfaceXml.forBridge(PlanFixtures.VMI.nics().get(0), "pdnbr-vmi0"))
                .contains("<interface type='bridge'>").contains("<source bridge='pdnbr-vmi0'/>");
    }
}
