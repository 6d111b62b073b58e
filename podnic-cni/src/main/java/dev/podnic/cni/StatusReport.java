package dev.podnic.cni;

import java.util.List;

/** The outcome of STATUS for a network: one line per plugin. */
public record StatusReport(String network, List<PluginStatus> plugins) {

    public enum State {
        /** The plugin answered STATUS successfully. */
        READY,
        /** The plugin or the network's version predates STATUS (spec 1.1.0); assumed ready, as libcni does. */
        NOT_SUPPORTED
    }

    public record PluginStatus(String type, State state, String detail) {
    }
}
