package dev.podnic.node.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger as the daemon reads it on every ADD: entries it parsed once are reused, yet what another
 * writer changed on disk — an entry rewritten, deleted or damaged — is what {@link Ledger#all} sees.
 */
@Timeout(30)
class LedgerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static LedgerEntry entry(String cid, LedgerEntry.State state) {
        return new LedgerEntry(cid, "vmi0", "net", "uid", "/run/netns/" + cid, 1, 2, state, 0, 1L, JSON.createObjectNode(), null, "pod");
    }

    @Test
    void whatAnotherWriterChangesIsSeenAlthoughEntriesAreParsedOnce() throws Exception {
        Ledger daemon = new Ledger(dir);
        daemon.create(entry("a", LedgerEntry.State.ADDING));
        daemon.put(entry("b", LedgerEntry.State.ADDED), false);
        assertThat(daemon.all()).extracting(LedgerEntry::containerId).containsExactly("a", "b");

        Ledger other = new Ledger(dir);
        other.put(entry("a", LedgerEntry.State.ADDED), false);     // rewritten (same size but for the state)
        other.remove(entry("b", LedgerEntry.State.ADDED));
        other.put(entry("c", LedgerEntry.State.DELETING), false);
        assertThat(daemon.all()).extracting(e -> e.containerId() + "=" + e.state()).containsExactly("a=ADDED", "c=DELETING");

        Files.writeString(dir.resolve(LedgerEntry.key("a", "vmi0") + ".json"), "{not json");
        List<String> movedAside = new ArrayList<>();
        Ledger watching = new Ledger(dir, (file, why) -> movedAside.add(file.getFileName().toString()));
        assertThat(watching.all()).extracting(LedgerEntry::containerId).containsExactly("c");
        assertThat(movedAside).singleElement().asString().startsWith(LedgerEntry.key("a", "vmi0") + ".json.");
        assertThat(daemon.all()).as("the daemon's parsed copy of a is not served once the file changed").extracting(LedgerEntry::containerId)
                .containsExactly("c");
    }

    @Test
    void manyReadsParseEachEntryOnce() {
        Ledger daemon = new Ledger(dir);
        for (int i = 0; i < 50; i++) {
            daemon.put(entry("e" + i, LedgerEntry.State.ADDED), false);
        }
        List<LedgerEntry> first = daemon.all();
        List<LedgerEntry> second = daemon.all();
        assertThat(second).hasSize(50);
        for (int i = 0; i < 50; i++) {
            assertThat(second.get(i)).as("the very object parsed (or written) before").isSameAs(first.get(i));
        }
    }

    @Test
    void aListingReportsADamagedEntryAndMovesNothing() throws Exception {
        new Ledger(dir).create(entry("a", LedgerEntry.State.ADDED));
        Path damaged = Files.writeString(dir.resolve(LedgerEntry.key("b", "vmi0") + ".json"), "{\"containerId\": \"b\", ");
        Ledger.Listing listing = new Ledger(dir).list();
        assertThat(listing.entries()).extracting(LedgerEntry::containerId).containsExactly("a");
        assertThat(listing.unreadable()).singleElement().asString().contains(damaged.getFileName().toString());
        assertThat(damaged).exists();
    }

    @Test
    void aNewEntryIsCreatedInPlaceNeverOverAnotherAndOneACrashLeftEmptyIsRemovedNotReported() throws Exception {
        List<String> movedAside = new ArrayList<>();
        Ledger daemon = new Ledger(dir, (file, why) -> movedAside.add(file.getFileName().toString()));
        daemon.create(entry("a", LedgerEntry.State.ADDING));
        assertThat(daemon.all()).extracting(e -> e.containerId() + "=" + e.state()).containsExactly("a=ADDING");
        assertThat(new Ledger(dir).get("a", "vmi0")).as("as read anew").hasValueSatisfying(e -> assertThat(e.state())
                .isEqualTo(LedgerEntry.State.ADDING));
        assertThat(Files.list(dir).toList()).as("no temporary file left").hasSize(1);

        byte[] before = Files.readAllBytes(dir.resolve(LedgerEntry.key("a", "vmi0") + ".json"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> daemon.create(entry("a", LedgerEntry.State.ADDED)))
                .isInstanceOf(java.io.UncheckedIOException.class).hasCauseInstanceOf(java.nio.file.FileAlreadyExistsException.class);
        assertThat(dir.resolve(LedgerEntry.key("a", "vmi0") + ".json")).as("unchanged").hasBinaryContent(before);

        // A kill between the create and its write: an empty file, which says nothing and was allocated nothing under.
        // Looking at them all skips it (it could be another thread's create under way); the attachment's own look,
        // under its lock as every create of it is, removes it.
        Path b = Files.createFile(dir.resolve(LedgerEntry.key("b", "vmi0") + ".json"));
        assertThat(daemon.all()).extracting(LedgerEntry::containerId).containsExactly("a");
        Ledger.Listing seenByAPerson = new Ledger(dir).list(); // (`podnic node ls`, another process: as a create under way)
        assertThat(seenByAPerson.entries()).extracting(LedgerEntry::containerId).containsExactly("a");
        assertThat(seenByAPerson.unreadable()).isEmpty();
        assertThat(b).exists();
        assertThat(daemon.get("b", "vmi0")).isEmpty();
        assertThat(b).doesNotExist();
        assertThat(movedAside).isEmpty();
        assertThat(daemon.quarantined()).isEmpty();
    }

    /**
     * Entries are created in place, so a look at them all may meet one empty or half written (one over a page: its
     * size grows page by page): it is no entry yet, and never moved aside. A stress, bounded: creates of entries two
     * pages long while another thread looks at them all, over and over.
     */
    @Test
    void entriesBeingCreatedAreNeverTakenForDamagedOnes() throws Exception {
        List<String> movedAside = java.util.Collections.synchronizedList(new ArrayList<>());
        Ledger daemon = new Ledger(dir, (file, why) -> movedAside.add(file.getFileName() + ": " + why));
        com.fasterxml.jackson.databind.node.ObjectNode big = JSON.createObjectNode().put("pad", "x".repeat(9000));
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CompletableFuture<Integer> looking = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            int looks = 0;
            while (!done.get()) {
                daemon.all();
                looks++;
            }
            return looks;
        });
        for (int i = 0; i < 300; i++) {
            daemon.create(new LedgerEntry("c" + i, "vmi0", "net", "uid", "/run/netns/c", 1, 2, LedgerEntry.State.ADDING, 0, 1L,
                    big, null, "pod"));
        }
        done.set(true);
        assertThat(looking.get(30, java.util.concurrent.TimeUnit.SECONDS)).isPositive();
        assertThat(movedAside).isEmpty();
        assertThat(daemon.all()).hasSize(300);
    }

    /** Tasks kept until run by hand: a write behind made to wait, as a busy or killed daemon's would. */
    private static final class Held implements java.util.concurrent.Executor {
        private final java.util.Deque<Runnable> tasks = new java.util.ArrayDeque<>();

        @Override
        public synchronized void execute(Runnable task) {
            tasks.add(task);
        }

        synchronized void runAll() {
            while (!tasks.isEmpty()) {
                tasks.poll().run();
            }
        }
    }

    @Test
    void aWriteBehindIsWhatTheLedgerSaysAtOnceAndWhatItsFileSaysOnceWritten() {
        Ledger daemon = new Ledger(dir);
        Held held = new Held();
        daemon.create(entry("a", LedgerEntry.State.ADDING));
        var written = daemon.putBehind(entry("a", LedgerEntry.State.ADDED), held);
        assertThat(daemon.get("a", "vmi0")).get().extracting(LedgerEntry::state).isEqualTo(LedgerEntry.State.ADDED);
        assertThat(daemon.all()).extracting(LedgerEntry::state).containsExactly(LedgerEntry.State.ADDED);
        assertThat(new Ledger(dir).all()).as("its file, as a kill now would leave it").extracting(LedgerEntry::state)
                .containsExactly(LedgerEntry.State.ADDING);

        held.runAll();
        assertThat(written).isCompleted();
        assertThat(new Ledger(dir).all()).extracting(LedgerEntry::state).containsExactly(LedgerEntry.State.ADDED);
    }

    @Test
    void aLaterChangeSupersedesAWriteBehindThatIsThenNeverWritten() {
        Ledger daemon = new Ledger(dir);
        Held held = new Held();
        daemon.create(entry("a", LedgerEntry.State.ADDING));
        daemon.putBehind(entry("a", LedgerEntry.State.ADDED), held);
        daemon.put(entry("a", LedgerEntry.State.DELETING), false);
        daemon.create(entry("b", LedgerEntry.State.ADDING));
        daemon.putBehind(entry("b", LedgerEntry.State.ADDED), held);
        daemon.remove(entry("b", LedgerEntry.State.ADDED));
        held.runAll();
        assertThat(new Ledger(dir).all()).extracting(e -> e.containerId() + "=" + e.state()).containsExactly("a=DELETING");
        assertThat(daemon.all()).extracting(e -> e.containerId() + "=" + e.state()).containsExactly("a=DELETING");
    }

    @Test
    void anEntryRemovedBehindIsGoneAtOnceAndACreateOfItsKeyRemovesItsFileFirst() {
        Ledger daemon = new Ledger(dir);
        Held held = new Held();
        daemon.create(entry("a", LedgerEntry.State.ADDING));
        var removed = daemon.removeBehind(entry("a", LedgerEntry.State.DELETING), held);
        assertThat(daemon.get("a", "vmi0")).isEmpty();
        assertThat(daemon.all()).isEmpty();
        assertThat(new Ledger(dir).all()).as("its file, as a kill now would leave it").hasSize(1);

        daemon.create(entry("a", LedgerEntry.State.ADDING)); // (would fail on the file still there)
        held.runAll();
        assertThat(removed).isCompleted();
        assertThat(new Ledger(dir).all()).as("the new entry, not removed by the old removal").extracting(LedgerEntry::state)
                .containsExactly(LedgerEntry.State.ADDING);
    }

    /** A write behind under way while the caller changes the entry: the change waits for it, and is what stays. */
    @Test
    void aChangeMadeWhileAWriteBehindIsUnderWayComesAfterIt() throws Exception {
        Ledger daemon = new Ledger(dir);
        daemon.create(entry("a", LedgerEntry.State.ADDING));
        java.util.concurrent.CountDownLatch writing = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch goOn = new java.util.concurrent.CountDownLatch(1);
        // The entry's result holds the write behind while it is encoded (inside the ledger's compute for the file).
        com.fasterxml.jackson.databind.node.ObjectNode slow = new com.fasterxml.jackson.databind.node.ObjectNode(JSON.getNodeFactory()) {
            @Override
            public java.util.Set<java.util.Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> properties() {
                writing.countDown();
                try {
                    goOn.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.properties();
            }
        };
        LedgerEntry added = entry("a", LedgerEntry.State.ADDED).with(LedgerEntry.State.ADDED, slow);
        var written = daemon.putBehind(added, java.util.concurrent.Executors.newSingleThreadExecutor());
        assertThat(writing.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        Thread changing = new Thread(() -> daemon.put(entry("a", LedgerEntry.State.DELETING), false));
        changing.start();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> changing.getState() == Thread.State.BLOCKED || changing.getState() == Thread.State.WAITING);
        assertThat(new Ledger(dir).all()).as("nothing changed while the write is under way").extracting(LedgerEntry::state)
                .containsExactly(LedgerEntry.State.ADDING);
        goOn.countDown();
        written.get(10, java.util.concurrent.TimeUnit.SECONDS);
        changing.join(10_000);
        assertThat(new Ledger(dir).all()).extracting(LedgerEntry::state).containsExactly(LedgerEntry.State.DELETING);
    }
}
