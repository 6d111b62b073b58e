package dev.podnic.binding.attach;

import static dev.podnic.cni.testing.TestNamespaces.path;

import dev.podnic.binding.testing.WithRealPod;
import dev.podnic.cni.ipam.HostLocalStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;

/** Debian's bridge and host-local plugins, run by podnic's runtime in a node namespace, held to the attacher contract. */
class InProcessAttacherIT extends WithRealPod {
    @Override
    protected String subnet() {
        return "10.250.14.0/24";
    }

    @Nested
    class Contract extends AttacherContract {
        @Override
        protected Subject subject() {
            return new Subject(new InProcessAttacher(cni, net, path(pod)), podOps, this::allocated, () -> namespaces.delete(pod));
        }

        private Set<String> allocated() {
            try {
                return new HostLocalStore(tmp.resolve("ipam"), "podnet").allocations().stream().map(HostLocalStore.Allocation::ip)
                        .collect(Collectors.toSet());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
