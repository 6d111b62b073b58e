package dev.podnic.binding.testing;

import dev.podnic.binding.domain.Domains;
import java.util.HashSet;
import java.util.Set;

/** Running domains by name. */
public final class FakeDomains implements Domains {
    public final Set<String> running = new HashSet<>();

    @Override
    public synchronized boolean destroy(String name) {
        return running.remove(name);
    }
}
