package dev.podnic.binding.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnic.binding.testing.Contract;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** What the engine relies on from {@link Domains}, asserted the same way against the fake and libvirt. */
public abstract class DomainsContract extends Contract<DomainsContract.Subject> {
    /**
     * @param start   starts a domain of that name, as {@code vmi up --boot} does
     * @param running whether a domain of that name runs, seen the test's own way
     */
    public record Subject(Domains domains, Consumer<String> start, Predicate<String> running) {
    }

    @Test
    void destroyEndsARunningDomainAndSaysSo() {
        Subject s = subject();
        s.start().accept("podnic-contract1");
        assertThat(s.running().test("podnic-contract1")).isTrue();
        assertThat(s.domains().destroy("podnic-contract1")).isTrue();
        assertThat(s.running().test("podnic-contract1")).isFalse();
    }

    @Test
    void destroyOfADomainThatDoesNotRunIsNoError() {
        Subject s = subject();
        assertThat(s.domains().destroy("podnic-absent")).isFalse();
        s.start().accept("podnic-contract2");
        assertThat(s.domains().destroy("podnic-contract2")).isTrue();
        assertThat(s.domains().destroy("podnic-contract2")).as("again").isFalse();
    }

    @Test
    void onlyTheNamedDomainIsDestroyed() {
        Subject s = subject();
        s.start().accept("podnic-contract3");
        s.start().accept("podnic-contract4");
        s.domains().destroy("podnic-contract3");
        assertThat(s.running().test("podnic-contract4")).isTrue();
        s.domains().destroy("podnic-contract4");
    }
}
