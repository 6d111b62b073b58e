package dev.podnic.cni.skel;

import dev.podnic.cni.result.CniResult;

/**
 * A CNI plugin's commands, typed: {@link PluginSkel} reads the call and writes the answer, the plugin
 * never sees the protocol. A failure is a {@link dev.podnic.cni.CniException} carrying the spec's code;
 * anything else is answered as a generic error (999).
 */
public interface CniPlugin {
    /** ADD: the result, which the skel writes in the configuration's version. */
    CniResult add(CmdArgs args);

    void del(CmdArgs args);

    void check(CmdArgs args);

    /** STATUS (CNI 1.1): returns when an ADD could be served now, else throws (code 50, 51). */
    void status(CmdArgs args);

    /** GC (CNI 1.1): the configuration's {@code cni.dev/valid-attachments} are the ones to keep. */
    void gc(CmdArgs args);
}
