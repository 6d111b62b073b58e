package dev.podnic.binding.dhcp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A flood of lines (a guest sending requests as fast as it can) writes a bounded log and says how much it left out. */
class RateLimitedLogTest {
    @Test
    void aFloodIsCutToTheBudgetAndCountedOnceTheNextWindowOpens() {
        List<String> lines = new ArrayList<>();
        AtomicLong now = new AtomicLong();
        RateLimitedLog log = new RateLimitedLog(lines::add, 3, Duration.ofMinutes(1), now::get);
        for (int i = 0; i < 100_000; i++) {
            log.accept("DHCPOFFER " + i);
        }
        assertThat(lines).containsExactly("DHCPOFFER 0", "DHCPOFFER 1", "DHCPOFFER 2");
        now.addAndGet(Duration.ofSeconds(59).toNanos());
        log.accept("still the same minute");
        assertThat(lines).hasSize(3);
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        log.accept("DHCPACK");
        assertThat(lines).containsSubsequence("(99998 lines not logged: more than 3 a minute)", "DHCPACK").hasSize(5);
    }
}
