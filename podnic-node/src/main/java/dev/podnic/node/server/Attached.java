package dev.podnic.node.server;

import dev.podnic.cni.result.CniResult;
import dev.podnic.cni.version.SpecVersion;

/** An ADD's outcome: the CNI result, and the spec version of its network (what the result is written in). */
public record Attached(CniResult result, SpecVersion version) {
}
