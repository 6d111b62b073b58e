package dev.podnic.binding.domain;

import dev.podnic.binding.testing.FakeDomains;

/** The fake, held to the contract libvirt passes. */
class FakeDomainsTest extends DomainsContract {
    @Override
    protected Subject subject() {
        FakeDomains fake = new FakeDomains();
        return new Subject(fake, fake.running::add, fake.running::contains);
    }
}
