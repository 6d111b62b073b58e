package dev.podnic.cli.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnic.cli.StartPathContract;
import java.util.Arrays;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
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
}
