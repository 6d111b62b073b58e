package dev.podnic.node.api;

import java.io.IOException;

/**
 * The node daemon's API as a client sees it: over the daemon's socket ({@link NodeClient}, a
 * launcher in a pod) or inside the daemon itself (its KubeVirt binding, acting for a pod).
 */
@FunctionalInterface
public interface NodeApi {
    /** The daemon's answer; an {@link IOException} when the daemon could not be asked at all. */
    NodeResponse call(NodeRequest r) throws IOException;
}
