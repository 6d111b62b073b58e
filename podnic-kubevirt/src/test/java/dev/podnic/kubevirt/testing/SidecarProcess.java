package dev.podnic.kubevirt.testing;

import dev.podnic.kubevirt.sidecar.DomainInterfaces;
import dev.podnic.kubevirt.sidecar.HookServer;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The sidecar as its own process (what {@code podnic sidecar} runs), for tests that start it inside a
 * pod's namespace as an unprivileged user: {@code SidecarProcess SOCKET BINDING_NAME}. Prints
 * "serving" once the socket is up; exits when virt-launcher's Shutdown arrives.
 */
public final class SidecarProcess {
    private SidecarProcess() {
    }

    public static void main(String[] args) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        try (HookServer server = HookServer.start(Path.of(args[0]), new DomainInterfaces(args[1],
                DomainInterfaces.PodLinks.ownNamespace()), done::countDown, System.err::println)) {
            System.out.println("serving " + server.socket());
            System.out.flush();
            done.await();
        }
    }
}
