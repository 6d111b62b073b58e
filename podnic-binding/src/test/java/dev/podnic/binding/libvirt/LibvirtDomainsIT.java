package dev.podnic.binding.libvirt;

import dev.podnic.binding.domain.DomainsContract;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/**
 * libvirt's own domain handling, held to the Domains contract: the real libvirt library with its
 * in-process test driver ({@code test:///default}, shared by every connection of this process), so
 * no daemon, QEMU or root is needed. ({@code CliVmiIT} destroys a real QEMU guest through qemu:///system.)
 */
class LibvirtDomainsIT extends DomainsContract {
    private static final String URI = "test:///default";

    @Override
    protected Subject subject() {
        return new Subject(new LibvirtDomains(URI), LibvirtDomainsIT::start, LibvirtDomainsIT::running);
    }

    private static void start(String name) {
        call(c -> c.domainCreateXML("<domain type='test'><name>" + name + "</name><memory>8192</memory>"
                + "<os><type>hvm</type></os></domain>", 0));
    }

    private static boolean running(String name) {
        return call(c -> {
            for (int id : c.listDomains()) {
                if (c.domainLookupByID(id).getName().equals(name)) {
                    return true;
                }
            }
            return false;
        });
    }

    private interface WithConnection<T> {
        T apply(Connect c) throws LibvirtException;
    }

    private static <T> T call(WithConnection<T> f) {
        LibvirtErrors.quiet();
        try {
            Connect c = new Connect(URI);
            try {
                return f.apply(c);
            } finally {
                c.close();
            }
        } catch (LibvirtException e) {
            throw new IllegalStateException(e);
        }
    }
}
