package dev.podnic.k8s.controller;

import dev.podnic.k8s.crd.VirtualMachineInstance;

/**
 * Makes sure a deleted VM instance's pod-network interfaces on one node are freed (a CNI DEL through
 * that node's daemon): {@link Reconciled#done()} once they are, {@link Reconciled#waiting} while the
 * node is still at it; a failure is an exception. The controller asks again either way, so it must
 * be idempotent.
 */
@FunctionalInterface
public interface InterfaceReleaser {
    Reconciled release(VirtualMachineInstance vmi, String node);
}
