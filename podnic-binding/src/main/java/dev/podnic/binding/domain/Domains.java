package dev.podnic.binding.domain;

/**
 * The VMs podnic started (the test guest, {@code vmi up --boot}) as the hypervisor knows them: what
 * {@code down} needs to stop one it recorded. libvirt in the pod ({@code LibvirtDomains}), or none.
 */
public interface Domains {
    /** No hypervisor: nothing to destroy. */
    Domains NONE = name -> false;

    /** Destroys the running domain {@code name}; false when none by that name runs. */
    boolean destroy(String name);
}
