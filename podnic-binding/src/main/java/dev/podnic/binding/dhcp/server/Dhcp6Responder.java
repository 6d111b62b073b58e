package dev.podnic.binding.dhcp.server;

import dev.podnic.binding.dhcp.server.Dhcp6Message.Option;
import dev.podnic.inet.IpLiteral;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The DHCPv6 server's decisions (RFC 8415 section 18.3), stateful, for one lease and whichever
 * client asks on the bridge: SOLICIT gets an ADVERTISE of the lease's address in each IA_NA asked
 * for, with preference 255 (the client need not wait for other servers: there are none); REQUEST,
 * RENEW and REBIND a REPLY binding it (any other address the client presents is given back with
 * lifetimes 0); CONFIRM a REPLY saying whether its addresses are on this link; RELEASE and DECLINE
 * a REPLY with Success; INFORMATION-REQUEST a REPLY with DNS. Messages naming another server, or
 * missing what the RFC requires (client identifier, server identifier), are dropped (section 16).
 * Rapid commit is not offered: the two extra messages cost nothing here.
 */
final class Dhcp6Responder {
    /** @param packet the reply (to the request's source, port 546); null when none is needed */
    record Answer(byte[] packet, String event) {
    }

    private final ServedLease lease;
    private final byte[] duid;
    private final InetAddress address;

    Dhcp6Responder(ServedLease lease) {
        if (lease.address6() == null) {
            throw new IllegalArgumentException("the lease has no IPv6 address");
        }
        this.lease = lease;
        this.duid = lease.duidBytes();
        this.address = lease.address6().address();
    }

    Optional<Answer> answer(Dhcp6Message m) {
        Optional<byte[]> clientId = m.first(Dhcp6Message.CLIENTID);
        Optional<byte[]> serverId = m.first(Dhcp6Message.SERVERID);
        boolean toUs = serverId.map(s -> Arrays.equals(s, duid)).orElse(false);
        String client = clientId.map(c -> HexFormat.ofDelimiter(":").formatHex(c)).orElse("(no client id)");
        String ours = IpLiteral.format(address);
        switch (m.type()) {
            case Dhcp6Message.SOLICIT:
                if (clientId.isEmpty() || serverId.isPresent()) {
                    return Optional.empty();
                }
                return Optional.of(reply(m, Dhcp6Message.ADVERTISE, true, "ADVERTISE " + ours + " to " + client));
            case Dhcp6Message.REQUEST:
            case Dhcp6Message.RENEW:
                if (clientId.isEmpty() || !toUs) {
                    return Optional.empty();
                }
                return Optional.of(reply(m, Dhcp6Message.REPLY, true, "REPLY " + ours + " to " + client));
            case Dhcp6Message.REBIND:
                if (clientId.isEmpty() || serverId.isPresent()) {
                    return Optional.empty();
                }
                return Optional.of(reply(m, Dhcp6Message.REPLY, true, "REPLY (rebind) " + ours + " to " + client));
            case Dhcp6Message.CONFIRM:
                return confirm(m, clientId, serverId.isPresent(), client);
            case Dhcp6Message.RELEASE:
            case Dhcp6Message.DECLINE:
                if (clientId.isEmpty() || !toUs) {
                    return Optional.empty();
                }
                return Optional.of(new Answer(status(m, clientId.get(), Dhcp6Message.SUCCESS),
                        (m.type() == Dhcp6Message.RELEASE ? "RELEASE" : "DECLINE: another host holds " + ours + ";") + " by " + client));
            case Dhcp6Message.INFORMATION_REQUEST:
                if (serverId.isPresent() && !toUs) {
                    return Optional.empty();
                }
                return Optional.of(reply(m, Dhcp6Message.REPLY, false, "REPLY (information) to " + client));
            default:
                return Optional.empty();
        }
    }

    /**
     * RFC 8415 18.3.3: Success when every address the client has is appropriate to this link, NotOnLink
     * otherwise. The link (the vNIC's bridge) serves exactly one address, the lease's: any other — also
     * one of its prefix, such as the address a live-migrated guest brings from its source pod — is not,
     * and the client solicits the lease's.
     */
    private Optional<Answer> confirm(Dhcp6Message m, Optional<byte[]> clientId, boolean hasServerId, String client) {
        if (clientId.isEmpty() || hasServerId) {
            return Optional.empty();
        }
        List<InetAddress> held = new ArrayList<>();
        for (byte[] ia : m.all(Dhcp6Message.IA_NA)) {
            if (ia.length >= 12) {
                Dhcp6Message.options(ia, 12).orElse(List.of()).stream().filter(o -> o.code() == Dhcp6Message.IAADDR
                        && o.value().length >= 24).forEach(o -> held.add(v6(Arrays.copyOf(o.value(), 16))));
            }
        }
        if (held.isEmpty()) {
            return Optional.empty(); // nothing to confirm (section 18.3.3)
        }
        boolean onLink = held.stream().allMatch(a -> a.equals(lease.address6().address()));
        return Optional.of(new Answer(status(m, clientId.get(), onLink ? Dhcp6Message.SUCCESS : Dhcp6Message.NOT_ON_LINK),
                "REPLY (confirm: " + (onLink ? "on link" : "not on link") + ") to " + client));
    }

    private Answer reply(Dhcp6Message m, int type, boolean withAddresses, String event) {
        List<Option> o = new ArrayList<>();
        m.first(Dhcp6Message.CLIENTID).ifPresent(c -> o.add(new Option(Dhcp6Message.CLIENTID, c)));
        o.add(new Option(Dhcp6Message.SERVERID, duid));
        if (type == Dhcp6Message.ADVERTISE) {
            o.add(new Option(Dhcp6Message.PREFERENCE, new byte[] {(byte) 255}));
        }
        if (withAddresses) {
            for (byte[] ia : m.all(Dhcp6Message.IA_NA)) {
                if (ia.length >= 12) {
                    o.add(new Option(Dhcp6Message.IA_NA, identityAssociation(ia)));
                }
            }
        }
        if (!lease.dns6().isEmpty()) {
            ByteBuffer b = ByteBuffer.allocate(16 * lease.dns6().size());
            lease.dns6().forEach(a -> b.put(a.getAddress()));
            o.add(new Option(Dhcp6Message.DNS_SERVERS, b.array()));
        }
        if (!lease.search().isEmpty()) {
            o.add(new Option(Dhcp6Message.DOMAIN_LIST, DomainNames.encode(lease.search())));
        }
        return new Answer(new Dhcp6Message(type, m.xid(), o).write(), event);
    }

    /**
     * The client's IA_NA (its IAID) holding the lease's address, T1 = half and T2 = 0.8 of its
     * lifetime (section 21.4); addresses the client brought that are not the lease's, with lifetimes 0.
     */
    private byte[] identityAssociation(byte[] requested) {
        int lifetime = lease.leaseSeconds();
        List<Option> inner = new ArrayList<>();
        inner.add(new Option(Dhcp6Message.IAADDR, iaAddress(address.getAddress(), lifetime)));
        Dhcp6Message.options(requested, 12).orElse(List.of()).stream()
                .filter(o -> o.code() == Dhcp6Message.IAADDR && o.value().length >= 24)
                .map(o -> Arrays.copyOf(o.value(), 16))
                .filter(a -> !Arrays.equals(a, address.getAddress()))
                .forEach(a -> inner.add(new Option(Dhcp6Message.IAADDR, iaAddress(a, 0))));
        byte[] options = Dhcp6Message.encode(inner);
        return ByteBuffer.allocate(12 + options.length).put(requested, 0, 4).putInt(lifetime / 2).putInt((int) (lifetime * 4L / 5))
                .put(options).array();
    }

    private static byte[] iaAddress(byte[] address, int lifetime) {
        return ByteBuffer.allocate(24).put(address).putInt(lifetime).putInt(lifetime).array();
    }

    private byte[] status(Dhcp6Message m, byte[] clientId, int code) {
        byte[] text = (code == Dhcp6Message.SUCCESS ? "success" : "not on link").getBytes(StandardCharsets.US_ASCII);
        byte[] status = ByteBuffer.allocate(2 + text.length).putShort((short) code).put(text).array();
        return new Dhcp6Message(Dhcp6Message.REPLY, m.xid(), List.of(new Option(Dhcp6Message.CLIENTID, clientId),
                new Option(Dhcp6Message.SERVERID, duid), new Option(Dhcp6Message.STATUS_CODE, status))).write();
    }

    private static InetAddress v6(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
