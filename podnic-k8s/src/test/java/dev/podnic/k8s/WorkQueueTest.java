package dev.podnic.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.podnic.k8s.controller.Reconciled;
import dev.podnic.k8s.controller.WorkQueue;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkQueueTest {
    @Test
    void failedKeyIsRetriedWithGrowingBackoffUntilItSucceeds() throws InterruptedException {
        AtomicInteger attempts = new AtomicInteger();
        List<String> retries = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        try (WorkQueue q = new WorkQueue(1, Duration.ofMillis(5), Duration.ofMillis(15), key -> {
            if (attempts.incrementAndGet() < 4) {
                throw new IllegalStateException("409 conflict");
            }
            done.countDown();
            return Reconciled.done();
        }, (m, e) -> retries.add(m))) {
            q.add("ns/vm");
            assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(retries).containsExactly(
                    "ns/vm: 409 conflict (retry in 5 ms)",
                    "ns/vm: 409 conflict (retry in 10 ms)",
                    "ns/vm: 409 conflict (retry in 15 ms)");
            await().atMost(Duration.ofSeconds(5)).until(() -> q.failures("ns/vm") == 0);
        }
    }

    @Test
    void aKeyAddedWhileItRunsRunsOnceMoreAfterNotAlongside() throws InterruptedException {
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (WorkQueue q = new WorkQueue(4, Duration.ofMillis(5), Duration.ofMillis(5), key -> {
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            runs.incrementAndGet();
            inside.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> release.getCount() == 0);
            concurrent.decrementAndGet();
            return Reconciled.done();
        }, (m, e) -> { })) {
            q.add("ns/vm");
            assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
            q.add("ns/vm");
            q.add("ns/vm");
            q.add("ns/vm");
            release.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 2 && concurrent.get() == 0 && q.depth() == 0);
            assertThat(runs.get()).isEqualTo(2);
            assertThat(maxConcurrent.get()).isEqualTo(1);
        }
    }

    @Test
    void newsAboutAKeyWaitingOutItsBackoffBringsItForward() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        CountDownLatch second = new CountDownLatch(1);
        try (WorkQueue q = new WorkQueue(1, Duration.ofSeconds(30), Duration.ofSeconds(30), key -> {
            if (attempts.incrementAndGet() == 1) {
                return Reconciled.waiting("waiting for the node agent");
            }
            second.countDown();
            return Reconciled.done();
        }, (m, e) -> { })) {
            q.add("ns/vm");
            await().atMost(Duration.ofSeconds(5)).until(() -> q.failures("ns/vm") > 0);
            q.add("ns/vm"); // e.g. the agent's annotation arrived: no need to wait 30 s
            assertThat(second.await(5, TimeUnit.SECONDS)).isTrue();
        }
    }
}
