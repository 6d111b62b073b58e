package dev.podnic.k8s.controller;

import dev.podnic.k8s.crd.VirtualMachineInstance;

/**
 * Makes sure a deleted VM instance's pod-network interfaces on one node are freed (a CNI DEL through
 * that node's daemon). Returns once they are; throws {@link Pending} while the node is still at it,
 * any other exception on a failure. The controller calls it again either way, so it must be
 * idempotent.
 */
@FunctionalInterface
public interface InterfaceReleaser {
    void release(VirtualMachineInstance vmi, String node) throws Exception;

    /** Not yet: the node side has been asked (or will see the deletion) and has not answered. */
    final class Pending extends Exception {
        public Pending(String message) {
            super(message);
        }
    }
}
