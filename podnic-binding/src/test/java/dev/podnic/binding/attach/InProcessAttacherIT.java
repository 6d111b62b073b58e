package dev.podnic.binding.attach;

import static dev.podnic.cni.testing.TestNamespaces.path;

import dev.podnic.binding.testing.WithRealPod;
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
            return new Subject(new InProcessAttacher(cni, net, path(pod)), podOps, InProcessAttacherIT.this::allocatedAddresses,
                    () -> namespaces.delete(pod));
        }
    }
}
