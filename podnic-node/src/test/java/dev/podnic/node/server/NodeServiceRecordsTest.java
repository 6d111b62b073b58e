package dev.podnic.node.server;

import static dev.podnic.cni.testing.RecordingPluginExec.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podnic.node.ledger.Ledger;
import dev.podnic.node.ledger.LedgerEntry;
import dev.podnic.node.peer.Caller;
import dev.podnic.node.peer.PeerCredentials;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the ledger records around an ADD and a DEL, and when: the ADDING entry before any plugin, the rest written
 * behind the answer (a launcher's) or beside the caller's work (the binding's) — and what a kill or a full state
 * directory in between leaves, and what the next start makes of it.
 */
class NodeServiceRecordsTest extends WithRecordingService {
    /**
     * The state directory fails between the plugins' ADD and the ledger's record of it (here: the ledger directory is
     * swapped for a file during ADD): a launcher's ADD was answered before its record is written, so the attachment is
     * kept — its entry stays ADDING with its CNI cache entry, the failure is logged, and the next start completes it.
     */
    @Test
    void aLaunchersAttachmentWhoseRecordCannotBeWrittenStaysAddingAndTheNextStartCompletesIt() throws Exception {
        List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
        service = new NodeService(cni(), configs(), "net", new Ledger(tmp.resolve("ledger")), tmp, Limits.defaults("net"), log::add);
        Path ledger = tmp.resolve("ledger");
        Path aside = tmp.resolve("ledger.aside");
        exec.on("modern", "ADD", c -> {
            swap(ledger, aside, true);
            return ok(RESULT);
        });
        JsonNode added = handle(req("ADD", "vmi0"));
        assertThat(added.path("ok").asBoolean()).as(added.toString()).isTrue();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !log.isEmpty());
        assertThat(log).singleElement().asString().contains("code=11").contains("could not be marked ADDED")
                .contains("stays ADDING");
        swap(ledger, aside, false);
        assertThat(exec.sequence()).filteredOn(c -> c.equals("modern ADD") || c.equals("modern DEL")).containsExactly("modern ADD");
        assertThat(new Ledger(ledger).all()).singleElement().extracting(LedgerEntry::state).isEqualTo(LedgerEntry.State.ADDING);

        NodeService restarted = new NodeService(cni(), configs(), "net", new Ledger(ledger), tmp);
        assertThat(restarted.collectGarbage(true).freed()).isEmpty();
        assertThat(new Ledger(ledger).all()).singleElement().satisfies(e -> {
            assertThat(e.state()).isEqualTo(LedgerEntry.State.ADDED);
            assertThat(e.result().path("ips").get(0).path("address").asText()).isEqualTo("10.9.0.5/24");
        });
        assertThat(exec.sequence()).filteredOn(c -> c.equals("modern ADD") || c.equals("modern DEL")).containsExactly("modern ADD");
    }

    /**
     * A launcher's ADD is answered before its ADDED record is written (held here): the daemon's own readers see it made
     * at once — LIST, and a repeated ADD that returns the same result without a second plugin run — while the file
     * still says ADDING. Killed then (a new service on the same state), the next start records it as made from the CNI
     * cache instead of freeing it: the launcher was told it has it.
     */
    @Test
    void aLaunchersAddIsAnsweredBeforeItsRecordIsWrittenAndAKillMeanwhileKeepsIt() throws Exception {
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        service = serviceHoldingWrite(3, never); // (an ADD's: the ADDING entry, the look for its interface; its ADDED record held)
        JsonNode first = handle(req("ADD", "vmi0"));
        assertThat(first.path("ok").asBoolean()).as(first.toString()).isTrue();
        JsonNode again = handle(req("ADD", "vmi0"));
        assertThat(again.path("result")).isEqualTo(first.path("result"));
        assertThat(handle(req("LIST", "vmi0")).path("attachments")).singleElement()
                .satisfies(a -> assertThat(a.path("state").asText()).isEqualTo("ADDED"));
        assertThat(new Ledger(tmp.resolve("ledger")).all()).as("on disk").singleElement().extracting(LedgerEntry::state)
                .isEqualTo(LedgerEntry.State.ADDING);

        NodeService restarted = new NodeService(cni(), configs(), "net", new Ledger(tmp.resolve("ledger")), tmp);
        assertThat(restarted.collectGarbage(true).freed()).isEmpty();
        assertThat(new Ledger(tmp.resolve("ledger")).all()).singleElement().satisfies(e -> {
            assertThat(e.state()).isEqualTo(LedgerEntry.State.ADDED);
            assertThat(e.result().path("ips").get(0).path("address").asText()).isEqualTo("10.9.0.5/24");
        });
        assertThat(exec.sequence()).filteredOn(c -> c.equals("modern ADD") || c.equals("modern DEL")).as("one ADD, no DEL").containsExactly("modern ADD");
    }

    /**
     * A DEL is answered before its entry's file is removed (held here): DELETING on disk, gone for the daemon's readers
     * at once, and a new ADD of the same interface removes the file first. Killed before it went, the next start frees
     * the attachment again (a DEL of nothing for the plugins) — never keeps it as made.
     */
    @Test
    void aDelIsAnsweredBeforeItsEntryGoesAndAKillMeanwhileFreesItAgain() throws Exception {
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        service = serviceHoldingWrite(5, never); // the ADD's three (see above), the DEL's DELETING; its removal held
        assertThat(handle(req("ADD", "vmi0")).path("ok").asBoolean()).isTrue();
        assertThat(handle(req("DEL", "vmi0")).path("ok").asBoolean()).isTrue();
        assertThat(handle(req("LIST", "vmi0")).path("attachments")).isEmpty();
        assertThat(service.attachments()).isEmpty();
        assertThat(new Ledger(tmp.resolve("ledger")).all()).as("on disk").singleElement().extracting(LedgerEntry::state)
                .isEqualTo(LedgerEntry.State.DELETING);

        NodeService restarted = new NodeService(cni(), configs(), "net", new Ledger(tmp.resolve("ledger")), tmp);
        assertThat(restarted.collectGarbage(true).freed()).hasSize(1);
        assertThat(restarted.attachments()).isEmpty();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> new Ledger(tmp.resolve("ledger")).all().isEmpty());
        assertThat(exec.sequence()).filteredOn(c -> c.equals("modern ADD") || c.equals("modern DEL")).containsExactly("modern ADD", "modern DEL", "modern DEL");
    }

    @Test
    void anAddOfAnInterfaceWhoseEntryIsStillBeingRemovedRemovesItFirst() {
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        service = serviceHoldingWrite(5, never);
        assertThat(handle(req("ADD", "vmi0")).path("ok").asBoolean()).isTrue();
        assertThat(handle(req("DEL", "vmi0")).path("ok").asBoolean()).isTrue();
        JsonNode again = handle(req("ADD", "vmi0"));
        assertThat(again.path("ok").asBoolean()).as(again.toString()).isTrue();
        assertThat(exec.sequence()).filteredOn(c -> c.equals("modern ADD") || c.equals("modern DEL")).containsExactly("modern ADD", "modern DEL", "modern ADD");
        assertThat(service.attachments()).singleElement().extracting(LedgerEntry::state).isEqualTo(LedgerEntry.State.ADDED);
    }

    /**
     * A service whose ledger writes (and a launcher ADD's look for its interface) run each on a thread of its own, the
     * {@code held}-th one (counted from 1) only once
     * {@code release} opens; its pod's interfaces are all there.
     */
    private NodeService serviceHoldingWrite(int held, java.util.concurrent.CountDownLatch release) {
        java.util.concurrent.atomic.AtomicInteger writes = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.Executor holding = task -> {
            int n = writes.incrementAndGet();
            Thread t = new Thread(() -> {
                if (n == held) {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                task.run();
            });
            t.setDaemon(true);
            t.start();
        };
        return new NodeService(cni(), configs(), "net", new Ledger(tmp.resolve("ledger")), tmp, Limits.defaults("net"), refusal -> { },
                (ns, ifName) -> true, holding);
    }

    /** The plugins' ADD makes the ledger unwritable (its directory swapped for a file), their DEL puts it back. */
    private void ledgerSwappedAsideByTheAddAndBackByTheDel() {
        Path ledger = tmp.resolve("ledger");
        Path aside = tmp.resolve("ledger.aside");
        exec.on("modern", "ADD", c -> {
            swap(ledger, aside, true);
            return ok(RESULT);
        }).on("modern", "DEL", c -> {
            swap(ledger, aside, false);
            return ok("");
        });
    }

    /**
     * A caller that goes on while the attachment is recorded as made (the binding), whose record cannot be written:
     * the attachment is deleted again, and the caller learns so as it settles.
     */
    @Test
    void anAttachmentRecordedWhileTheCallerGoesOnThatCannotBeIsDeletedAgainAndTheCallerToldSoAsItSettles() {
        ledgerSwappedAsideByTheAddAndBackByTheDel();
        Attached a = addProceedingLater(java.util.concurrent.CompletableFuture.completedFuture(null)).join();
        org.assertj.core.api.Assertions.assertThatThrownBy(a::settle)
                .isInstanceOfSatisfying(dev.podnic.cni.CniException.class, e -> assertThat(e.error().code()).isEqualTo(11))
                .hasMessageContaining("the attachment was made and deleted again");
        assertThat(exec.sequence()).filteredOn(c -> c.startsWith("modern ADD") || c.startsWith("modern DEL"))
                .containsExactly("modern ADD", "modern DEL");
        assertThat(service.attachments()).isEmpty();
    }

    /**
     * A DEL right after an ADD whose ADDED record is still being written (the binding undoing a failed
     * ADD): the record, written after the DEL, must not bring back an entry for nothing. Made
     * deterministic by holding the record's write until the DEL is done (or waits).
     */
    @Test
    void anAddedRecordWrittenAfterADelOfItsAttachmentBringsNothingBack() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger writes = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.Executor holdingTheSecondWrite = task -> { // the ADDING entry at once, the ADDED record held
            int n = writes.incrementAndGet();
            Thread t = new Thread(() -> {
                if (n == 2) {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                task.run();
            });
            t.setDaemon(true);
            t.start();
        };
        service = new NodeService(cni(), configs(), "net", new Ledger(tmp.resolve("ledger")), tmp,
                Limits.defaults("net"), refusal -> { }, PodInterfaces.KERNEL, holdingTheSecondWrite);
        addProceedingLater(java.util.concurrent.CompletableFuture.completedFuture(null)).join(); // answered; its record held
        Caller caller = Caller.assumed(new PeerCredentials(1, 0, 0), me, netns);
        Thread deleting = new Thread(() -> service.del(caller, new AttachmentRequest(netns.toString(), "vmi0", "uid-1", "")));
        deleting.start();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> !deleting.isAlive() || deleting.getState() == Thread.State.WAITING);
        release.countDown();
        deleting.join(Duration.ofSeconds(10).toMillis());
        assertThat(deleting.isAlive()).isFalse();
        assertThat(exec.sequence()).contains("modern DEL");
        assertThat(service.attachments()).as("no record landed after the DEL").isEmpty();
    }
}
