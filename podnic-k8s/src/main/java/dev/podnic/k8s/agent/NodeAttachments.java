package dev.podnic.k8s.agent;

import java.io.IOException;
import java.util.List;

/** The node daemon as the agent needs it: its ledger, and freeing one VM's attachments. */
public interface NodeAttachments {
    /**
     * One attachment the node daemon made.
     *
     * @param vmi    the VM's identity the launcher gave (its uid): a claim
     * @param state  ADDING, ADDED or DELETING
     * @param ips    the CNI result's addresses, CIDR form
     * @param podUid the pod the caller really ran in (the kernel's cgroup path), or null when unknown
     */
    record Attachment(String vmi, String ifName, String network, String state, List<String> ips, String podUid) {
    }

    List<Attachment> list() throws IOException;

    /** Frees every attachment of the VM {@code vmi}; idempotent. Returns those freed. */
    List<Attachment> release(String vmi) throws IOException;
}
