package dev.podnic.node.server;

import static dev.podnic.cni.testing.RecordingPluginExec.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podnic.node.api.NodeError;
import dev.podnic.node.ledger.Ledger;
import dev.podnic.node.ledger.LedgerEntry;
import dev.podnic.node.peer.Caller;
import dev.podnic.node.peer.NetnsIdentity;
import dev.podnic.node.peer.PeerCredentials;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The service's rules with a recording fake of the plugins; a plain file stands in for a namespace. */
class NodeServiceTest extends WithRecordingService {
    @Test
    void theEntryIsWrittenAheadAndNoPluginHasItsConfigurationBeforeTheCallerProceeds() {
        java.util.concurrent.CompletableFuture<Void> proceed = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<Attached> adding = addProceedingLater(proceed);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !service.attachments().isEmpty());
        assertThat(service.attachments()).singleElement().satisfies(e -> assertThat(e.state()).isEqualTo(LedgerEntry.State.ADDING));
        assertThat(exec.sequence()).as("no plugin had its configuration").isEmpty();
        assertThat(adding).isNotDone();
        proceed.complete(null);
        Attached a = adding.join();
        assertThat(a.result().ips().get(0).address().toString()).isEqualTo("10.9.0.5/24");
        a.settle(); // (recorded as made while the caller goes on)
        assertThat(service.attachments()).singleElement().satisfies(e -> assertThat(e.state()).isEqualTo(LedgerEntry.State.ADDED));
    }

    @Test
    void anAddItsCallerGivesUpAddsNothingAndIsNeitherCountedNorLoggedAsRefused() {
        List<String> refusals = new ArrayList<>();
        service = new NodeService(cni(), configs(), "net", new Ledger(tmp.resolve("ledger")), tmp,
                Limits.defaults("net"), refusals::add, PodInterfaces.KERNEL);
        java.util.concurrent.CompletableFuture<Void> proceed = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<Attached> adding = addProceedingLater(proceed);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !service.attachments().isEmpty());
        proceed.completeExceptionally(new java.util.concurrent.CancellationException("the binding did not ask for vmi0"));
        org.assertj.core.api.Assertions.assertThatThrownBy(adding::join)
                .hasCauseInstanceOf(java.util.concurrent.CancellationException.class);
        assertThat(service.attachments()).as("the entry written ahead is removed").isEmpty();
        assertThat(exec.sequence()).as("no plugin had its configuration, and none was undone").isEmpty();
        assertThat(service.metrics().scrape()).doesNotContain("op=\"ADD\"");
        assertThat(refusals).isEmpty();
    }

    @Test
    void gcSendsTheValidAttachmentsToSpec11Plugins() {
        assertThat(handle(req("ADD", "vmi0")).path("ok").asBoolean()).isTrue();
        assertThat(service.collectGarbage(false).freed()).isEmpty();
        String cid = NodeService.containerId(me, "uid-1");
        assertThat(exec.last("modern", "GC").stdin().get("cni.dev/valid-attachments").toString())
                .isEqualTo("[{\"containerID\":\"" + cid + "\",\"ifname\":\"vmi0\"}]");
    }

    @Test
    void theContainerIdDependsOnTheCallersNamespace() throws Exception {
        NetnsIdentity other = NetnsIdentity.of(Files.createFile(tmp.resolve("other-netns")));
        assertThat(NodeService.containerId(me, "uid-1")).isNotEqualTo(NodeService.containerId(other, "uid-1"))
                .startsWith("podnic-").hasSize(31);
    }

    @Test
    void onlyVmiInterfacesAndOnlyTheCallersNamespace() throws Exception {
        assertThat(handle(req("ADD", "eth0")).path("error").path("code").asInt()).isEqualTo(NodeError.FORBIDDEN);
        assertThat(handle(req("ADD", "vmi0").replace(netns.toString(), tmp.resolve("nope").toString()))
                .path("error").path("code").asInt()).isEqualTo(NodeError.FORBIDDEN);
        assertThat(handle("{\"apiVersion\":\"podnic.dev/v1\",\"op\":\"DROP\"}").path("error").path("code").asInt())
                .isEqualTo(NodeError.MALFORMED);
        assertThat(exec.sequence()).isEmpty();
    }

    private JsonNode admin(String json) {
        return new NodeAdmin(service).handle(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theAdminApiListsEveryAttachmentWithItsVmAndReleasesOneVmsAttachments() {
        assertThat(handle(req("ADD", "vmi0")).path("ok").asBoolean()).isTrue();
        assertThat(handle(req("ADD", "vmi1").replace("uid-1", "uid-2")).path("ok").asBoolean()).isTrue();

        JsonNode all = admin("{\"apiVersion\":\"podnic.dev/v1\",\"op\":\"ATTACHMENTS\"}");
        assertThat(all.path("attachments")).hasSize(2);
        assertThat(all.path("attachments").get(0).path("vmi").asText() + all.path("attachments").get(1).path("vmi").asText())
                .contains("uid-1").contains("uid-2");
        assertThat(all.path("attachments").findValuesAsText("state")).containsOnly("ADDED");
        assertThat(all.path("attachments").get(0).path("result").path("ips").get(0).path("address").asText()).isEqualTo("10.9.0.5/24");

        JsonNode released = admin("{\"apiVersion\":\"podnic.dev/v1\",\"op\":\"RELEASE\",\"vmi\":\"uid-1\"}");
        assertThat(released.path("released")).singleElement().satisfies(r -> assertThat(r.path("ifName").asText()).isEqualTo("vmi0"));
        assertThat(exec.last("modern", "DEL").env()).containsEntry("CNI_CONTAINERID", NodeService.containerId(me, "uid-1"));
        assertThat(service.attachments()).singleElement().satisfies(e -> assertThat(e.vmi()).isEqualTo("uid-2"));
        // Idempotent: nothing left to free for uid-1.
        assertThat(admin("{\"apiVersion\":\"podnic.dev/v1\",\"op\":\"RELEASE\",\"vmi\":\"uid-1\"}").path("released")).isEmpty();
    }

    @Test
    void theAdminApiRejectsWhatItDoesNotKnow() {
        assertThat(admin("{\"apiVersion\":\"podnic.dev/v1\",\"op\":\"RELEASE\"}").path("error").path("msg").asText())
                .contains("RELEASE needs \"vmi\"");
        assertThat(admin("{\"apiVersion\":\"podnic.dev/v1\",\"op\":\"ADD\"}").path("error").path("msg").asText())
                .contains("op \"ADD\" is not one of [ATTACHMENTS, RELEASE]");
        assertThat(admin("{\"apiVersion\":\"v0\",\"op\":\"ATTACHMENTS\"}").path("error").path("code").asInt())
                .isEqualTo(NodeError.MALFORMED);
        assertThat(admin("[").path("ok").asBoolean()).isFalse();
        assertThat(exec.sequence()).isEmpty();
    }

    @Test
    void aCallerThatGivesNoNetnsIsFoundWhereTheRuntimePinsNamespaces() throws Exception {
        JsonNode added = handle(req("ADD", "vmi0").replace(netns.toString(), ""));
        assertThat(added.path("ok").asBoolean()).as(added.toString()).isTrue();
        assertThat(exec.last("modern", "ADD").env()).containsEntry("CNI_NETNS", netns.toString());
        assertThat(service.attachments()).singleElement().satisfies(e -> assertThat(e.netns()).isEqualTo(netns.toString()));
        assertThat(handle(req("DEL", "vmi0").replace(netns.toString(), "")).path("ok").asBoolean()).isTrue();
        assertThat(service.attachments()).isEmpty();

        Path elsewhere = Files.createFile(Files.createDirectories(tmp.resolve("elsewhere")).resolve("ns"));
        JsonNode refused = new LauncherRequests(service).handle(Caller.assumed(new PeerCredentials(1, 0, 0), NetnsIdentity.of(elsewhere), elsewhere),
                req("ADD", "vmi0").replace(netns.toString(), "").getBytes(StandardCharsets.UTF_8));
        assertThat(refused.path("error").path("code").asInt()).isEqualTo(NodeError.FORBIDDEN);
        assertThat(refused.path("error").path("msg").asText()).contains("is not pinned under " + tmp);
    }

    @Test
    void aCorruptLedgerEntryIsMovedAsideAndNeitherStartUpNorGcStops() throws Exception {
        assertThat(handle(req("ADD", "vmi0")).path("ok").asBoolean()).isTrue();
        Files.writeString(tmp.resolve("ledger/podnic-000000000000000000000000_vmi9.json"), "{\"containerId\":"); // a torn disk block

        GcPass pass = service.collectGarbage(true);
        assertThat(pass.failures()).isEmpty();
        assertThat(service.attachments()).as("the readable entry is kept").hasSize(1);
        Ledger ledger = new Ledger(tmp.resolve("ledger"));
        assertThat(ledger.quarantined()).singleElement().satisfies(f -> assertThat(f.getFileName().toString())
                .startsWith("podnic-000000000000000000000000_vmi9.json."));
        assertThat(service.metrics().scrape()).contains("podnic_ledger_quarantined 1.0");
        assertThat(service.problem(Duration.ofSeconds(60))).as("healthy: GC ran").isEmpty();
        assertThat(handle(req("DEL", "vmi0")).path("ok").asBoolean()).isTrue();
    }

    @Test
    void aCacheLostWithTheNodesTmpfsLeavesDelTheLedgersResultAsPrevResult() throws Exception {
        assertThat(handle(req("ADD", "vmi0")).path("ok").asBoolean()).isTrue();
        try (var cached = Files.walk(tmp.resolve("cache"))) { // the node restarted: its /run is empty, its disk is not
            for (Path p : cached.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        Files.delete(netns); // (and the pod is gone)

        GcPass pass = service.collectGarbage(true);
        assertThat(pass.failures()).isEmpty();
        assertThat(pass.freed()).hasSize(1);
        JsonNode del = exec.last("modern", "DEL").stdin();
        assertThat(del.path("prevResult").path("ips").get(0).path("address").asText()).isEqualTo("10.9.0.5/24");
        assertThat(service.attachments()).isEmpty();
    }

    @Test
    void aPodGetsAtMostItsQuotaAndOnlyAllowedNetworks() throws Exception {
        Path conf = tmp.resolve("net.d");
        Files.writeString(conf.resolve("20-other.conflist"), "{\"cniVersion\":\"1.1.0\",\"name\":\"other\",\"plugins\":[{\"type\":\"modern\"}]}");
        List<String> refusals = new ArrayList<>();
        service = new NodeService(cni(), configs(), "net", new Ledger(tmp.resolve("ledger")), tmp,
                new Limits(2, Set.of("net")), refusals::add, (netns, ifName) -> true); // the interfaces are "there"
        assertThat(handle(req("ADD", "vmi0")).path("ok").asBoolean()).isTrue();
        assertThat(handle(req("ADD", "vmi1")).path("ok").asBoolean()).isTrue();
        assertThat(handle(req("ADD", "vmi1")).path("ok").asBoolean()).as("the same one again is no new one").isTrue();
        JsonNode third = handle(req("ADD", "vmi2"));
        assertThat(third.path("error").path("code").asInt()).isEqualTo(NodeError.QUOTA);
        assertThat(third.path("error").path("msg").asText()).contains("already has 2 VMI interfaces");
        JsonNode other = handle(req("ADD", "vmi3").replace("\"vmi\":", "\"network\":\"other\",\"vmi\":"));
        assertThat(other.path("error").path("code").asInt()).isEqualTo(NodeError.FORBIDDEN);
        assertThat(other.path("error").path("msg").asText()).contains("network \"other\" is not one launchers may use");
        assertThat(exec.sequence().stream().filter(c -> c.startsWith("modern ADD")).count()).as("refused: no plugin ran").isEqualTo(2);
        assertThat(refusals).hasSize(2).allMatch(r -> r.startsWith("op=ADD caller="));
        assertThat(handle(req("DEL", "vmi0")).path("ok").asBoolean()).isTrue();
        assertThat(handle(req("DEL", "vmi1")).path("ok").asBoolean()).isTrue();
    }

    @Test
    void theLedgerKeepsThePodTheKernelSawNotOnlyTheClaimedVm() {
        String pod = "6a2c4c2e-1d55-4e3f-9f51-6e0c1f3a2b7d";
        JsonNode added = new LauncherRequests(service).handle(Caller.assumed(new PeerCredentials(1, 0, 0), me, netns, pod),
                req("ADD", "vmi0").getBytes(StandardCharsets.UTF_8));
        assertThat(added.path("ok").asBoolean()).as(added.toString()).isTrue();
        assertThat(service.attachments()).singleElement().satisfies(e -> assertThat(e.podUid()).isEqualTo(pod));
        assertThat(admin("{\"apiVersion\":\"podnic.dev/v1\",\"op\":\"ATTACHMENTS\"}").path("attachments").get(0).path("podUid")
                .asText()).isEqualTo(pod);
        assertThat(handle(req("DEL", "vmi0")).path("ok").asBoolean()).isTrue();
    }

    /**
     * A caller that names its namespace by the runtime's pin (the KubeVirt binding: CNI_NETNS) has the
     * plugins given that pin, among others of the same namespace. (That no other pin is looked at is
     * not seen from here: the look would find one of these too.)
     */
    @Test
    void aPinTheCallerNamesInTheRuntimesDirectoryIsTheOneThePluginsGet() throws Exception {
        Files.createLink(tmp.resolve("another-pin-of-the-same"), netns);
        Files.createLink(tmp.resolve("a-pin-listed-first"), netns);
        assertThat(handle(req("ADD", "vmi0")).path("ok").asBoolean()).isTrue();
        assertThat(exec.last("modern", "ADD").env()).containsEntry("CNI_NETNS", netns.toString());
        assertThat(service.attachments()).singleElement().extracting(LedgerEntry::netns).isEqualTo(netns.toString());
    }

    /**
     * The ledger cannot be written (its directory swapped for a file): the plugins are started while
     * the entry is written, but none gets its configuration — nothing is added — and the caller is
     * told to retry (code 11).
     */
    @Test
    void anEntryThatCannotBeWrittenLetsNoPluginAdd() throws Exception {
        Path ledger = tmp.resolve("ledger");
        Files.createDirectories(ledger);
        swap(ledger, tmp.resolve("ledger.aside"), true);
        JsonNode added = handle(req("ADD", "vmi0"));
        assertThat(added.path("error").path("code").asInt()).as(added.toString()).isEqualTo(11);
        assertThat(added.path("error").path("msg").asText()).contains("cannot record the attachment in its ledger")
                .contains("nothing was added");
        assertThat(exec.sequence()).doesNotContain("modern ADD");
    }
}
