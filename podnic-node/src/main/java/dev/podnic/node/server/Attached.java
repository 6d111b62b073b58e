package dev.podnic.node.server;

import dev.podnic.cni.result.CniResult;
import dev.podnic.cni.version.SpecVersion;
import java.time.Duration;

/**
 * An ADD's outcome: the CNI result, the spec version of its network (what the result is written in),
 * and how long the network's plugins took for it (zero when it was attached from before): the rest of
 * a request's time is the daemon's own.
 */
public record Attached(CniResult result, SpecVersion version, Duration plugins) {
}
