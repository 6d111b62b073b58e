package dev.podnic.cli.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnic.cli.StartPathContract;
import dev.podnic.node.ledger.Ledger;
import dev.podnic.node.ledger.LedgerEntry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The start path reads {@code node ls} exactly as picocli does, and leaves every other command line to it. */
class NodeLsStartPathTest {
    @ParameterizedTest
    @ValueSource(strings = {"", "--state-dir /srv/podnic", "--state-dir=/srv/podnic"})
    void readsTheStateDirectoryAsPicocliDoes(String line) {
        String[] args = line.isEmpty() ? new String[0] : line.split(" ");
        NodeLs picocli = new NodeLs();
        new CommandLine(picocli).parseArgs(args);
        assertThat(NodeLs.stateDir(Arrays.asList(args))).contains(picocli.stateDir);
    }

    @Test
    void knowsEveryOptionTheCommandDeclares() {
        assertThat(new TreeSet<>(StartPathContract.longNames(new NodeLs()))).isEqualTo(new TreeSet<>(NodeLs.NAMES));
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h", "--state-dir", "--state-dir /a --state-dir /b", "extra", "--bogus x"})
    void leavesEverythingElseToPicocli(String line) {
        assertThat(NodeLs.stateDir(Arrays.asList(line.split(" ")))).as(line).isEmpty();
    }

    /** The columns are those the command printed with printf("%-8s %-7s %-31s %-10s %-18s %-36s net:[%d] %s%n"). */
    @Test
    void printsTheColumnsPrintfPrinted(@TempDir Path tmp) throws Exception {
        Ledger ledger = new Ledger(tmp.resolve("ledger"));
        var json = new ObjectMapper();
        var dual = new LedgerEntry("a-container-id-longer-than-its-31-columns", "vmi0", "podnet", "uid-1",
                "/proc/9/ns/net", 4, 4026532001L, LedgerEntry.State.ADDED, 0, 1, json.createObjectNode(),
                json.readTree("{\"ips\":[{\"address\":\"10.1.0.2/16\"},{\"address\":\"fd00::2/64\"}]}"), "pod");
        var adding = new LedgerEntry("b", "vmi1", null, null, "/proc/10/ns/net", 4, 7,
                LedgerEntry.State.ADDING, 0, 1, json.createObjectNode(), null, null);
        ledger.put(dual);
        ledger.put(adding);
        StringWriter out = new StringWriter();
        NodeLs.startPath(List.of("--state-dir", tmp.toString()), new PrintWriter(out, true)).orElseThrow().call();
        String expected = String.format("%-8s %-7s %-31s %-10s %-18s %-36s net:[%d] %s%n", "vmi0", "ADDED", dual.containerId(), "podnet",
                "10.1.0.2/16,fd00::2/64", "uid-1", 4026532001L, "/proc/9/ns/net")
                + String.format("%-8s %-7s %-31s %-10s %-18s %-36s net:[%d] %s%n", "vmi1", "ADDING", "b", null, "-", "-", 7L,
                "/proc/10/ns/net");
        assertThat(out.toString()).isEqualTo(expected);
    }
}
