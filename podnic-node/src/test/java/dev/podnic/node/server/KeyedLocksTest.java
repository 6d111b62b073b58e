package dev.podnic.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.IdentityHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One monitor per key, from a set that stays the same size however many keys a daemon sees. */
class KeyedLocksTest {
    @Test
    void aKeyAlwaysGetsItsMonitorAndAMillionKeysShareAFixedSet() {
        KeyedLocks locks = new KeyedLocks();
        assertThat(locks.of("sandbox-net1")).isSameAs(locks.of("sandbox" + "-net1"));
        Map<Object, Integer> used = new IdentityHashMap<>();
        for (int i = 0; i < 1_000_000; i++) {
            used.merge(locks.of("pod" + i + "-net1"), 1, Integer::sum);
        }
        assertThat(used).hasSize(256);
        // spread: no monitor takes more than twice its share of sequential keys
        assertThat(used.values()).allMatch(n -> n < 2 * 1_000_000 / 256);
    }
}
