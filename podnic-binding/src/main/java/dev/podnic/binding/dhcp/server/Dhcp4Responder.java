package dev.podnic.binding.dhcp.server;

import static dev.podnic.binding.dhcp.server.Dhcp4Message.ZERO;

import dev.podnic.binding.dhcp.ClasslessRoutes;
import dev.podnic.inet.IpLiteral;
import dev.podnic.inet.MacAddress;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The DHCPv4 server's decisions (RFC 2131 4.3), for one lease and whichever client asks on the
 * bridge: DISCOVER gets an OFFER of the lease's address; REQUEST an ACK when it asks for that
 * address (selecting this server, rebooting, renewing or rebinding) and a NAK otherwise
 * (authoritative: the bridge has no other server); INFORM an ACK with the options only; DECLINE and
 * RELEASE are noted and need no answer; REQUEST selecting another server is not ours.
 *
 * <p>Answers go to the client's address once it has one (ciaddr), else to the broadcast address:
 * the server has no route to an address the client does not hold yet, and every client listens
 * for broadcasts while it has none. Relayed requests (giaddr set) are ignored: the only client is
 * on the bridge.
 */
final class Dhcp4Responder {
    static final byte[] BROADCAST = {(byte) 255, (byte) 255, (byte) 255, (byte) 255};

    /**
     * @param packet      the reply's bytes; null when the request needs none
     * @param destination where the reply goes (port 68)
     * @param event       what happened, for the server's log
     */
    record Answer(byte[] packet, byte[] destination, String event) {
    }

    private final ServedLease lease;
    private final byte[] serverId;
    private final byte[] address;

    Dhcp4Responder(ServedLease lease) {
        if (lease.address() == null) {
            throw new IllegalArgumentException("the lease has no IPv4 address");
        }
        this.lease = lease;
        this.serverId = lease.serverId().getAddress();
        this.address = lease.address().address().getAddress();
    }

    /** Empty for what is not a request to this server. */
    Optional<Answer> answer(Dhcp4Message m) {
        if (m.op() != Dhcp4Message.BOOTREQUEST || !Arrays.equals(m.giaddr(), ZERO)) {
            return Optional.empty();
        }
        String client = new MacAddress(m.chaddr()).toString();
        byte[] requested = m.option(Dhcp4Message.REQUESTED_ADDRESS).orElse(null);
        Optional<byte[]> server = m.option(Dhcp4Message.SERVER_ID);
        String ours = IpLiteral.format(lease.address().address());
        return switch (m.type()) {
            case Dhcp4Message.DISCOVER -> Optional.of(reply(m, Dhcp4Message.OFFER, "DHCPOFFER " + ours + " to " + client));
            case Dhcp4Message.REQUEST -> {
                if (server.isPresent() && !Arrays.equals(server.get(), serverId)) {
                    yield Optional.empty(); // the client chose another server's offer
                }
                byte[] wanted = requested != null ? requested : m.ciaddr();
                if (Arrays.equals(wanted, address)) {
                    String state = requested != null ? "" : " (renewing)"; // the client holds the address: unicast both ways
                    yield Optional.of(reply(m, Dhcp4Message.ACK, "DHCPACK " + ours + " to " + client + state));
                }
                yield Optional.of(nak(m, "DHCPNAK " + text(wanted) + " to " + client + ": the address is " + ours));
            }
            case Dhcp4Message.INFORM -> Optional.of(inform(m, "DHCPACK (inform) to " + client + " at " + text(m.ciaddr())));
            case Dhcp4Message.DECLINE -> Optional.of(new Answer(null, null, "DHCPDECLINE " + text(requested) + " by " + client
                    + ": another host holds the address"));
            case Dhcp4Message.RELEASE -> Optional.of(new Answer(null, null, "DHCPRELEASE " + text(m.ciaddr()) + " by " + client));
            default -> Optional.empty();
        };
    }

    private Answer reply(Dhcp4Message m, int type, String event) {
        Map<Integer, byte[]> o = header(m, type);
        int lease = this.lease.leaseSeconds();
        o.put(Dhcp4Message.LEASE_TIME, u32(lease));
        o.put(Dhcp4Message.RENEWAL_TIME, u32(lease / 2));
        o.put(Dhcp4Message.REBINDING_TIME, u32((int) (lease * 7L / 8)));
        o.put(Dhcp4Message.SUBNET_MASK, mask(this.lease.address().prefixLength()));
        configuration(o);
        return new Answer(new Dhcp4Message(Dhcp4Message.BOOTREPLY, m.xid(), m.flags(), m.ciaddr(), address, ZERO, m.chaddr(), o)
                .write(), destination(m), event);
    }

    /** RFC 2131 4.3.5: no lease, no address; the configuration for the address the client has. */
    private Answer inform(Dhcp4Message m, String event) {
        Map<Integer, byte[]> o = header(m, Dhcp4Message.ACK);
        o.put(Dhcp4Message.SUBNET_MASK, mask(lease.address().prefixLength()));
        configuration(o);
        return new Answer(new Dhcp4Message(Dhcp4Message.BOOTREPLY, m.xid(), m.flags(), m.ciaddr(), ZERO, ZERO, m.chaddr(), o)
                .write(), destination(m), event);
    }

    /** Always broadcast (RFC 2131 4.3.2): the client may hold no address, or one it must give up. */
    private Answer nak(Dhcp4Message m, String event) {
        Map<Integer, byte[]> o = header(m, Dhcp4Message.NAK);
        o.put(Dhcp4Message.MESSAGE, "wrong address".getBytes(StandardCharsets.US_ASCII));
        return new Answer(new Dhcp4Message(Dhcp4Message.BOOTREPLY, m.xid(), m.flags(), ZERO, ZERO, ZERO, m.chaddr(), o).write(),
                BROADCAST, event);
    }

    /** Type and server identifier; the client's identifier echoed when it sent one (RFC 6842). */
    private Map<Integer, byte[]> header(Dhcp4Message m, int type) {
        Map<Integer, byte[]> o = new LinkedHashMap<>();
        o.put(Dhcp4Message.MESSAGE_TYPE, new byte[] {(byte) type});
        o.put(Dhcp4Message.SERVER_ID, serverId);
        m.option(Dhcp4Message.CLIENT_ID).ifPresent(id -> o.put(Dhcp4Message.CLIENT_ID, id));
        return o;
    }

    /** What the plan gives besides the address: routes, MTU, DNS, names. */
    private void configuration(Map<Integer, byte[]> o) {
        if (lease.gateway() != null) {
            o.put(Dhcp4Message.ROUTER, lease.gateway().getAddress());
        }
        if (!lease.routes().isEmpty()) {
            o.put(Dhcp4Message.CLASSLESS_ROUTES, ClasslessRoutes.encode(lease.routes()));
        }
        o.put(Dhcp4Message.MTU, new byte[] {(byte) (lease.mtu() >> 8), (byte) lease.mtu()});
        if (!lease.dns().isEmpty()) {
            ByteBuffer b = ByteBuffer.allocate(4 * lease.dns().size());
            lease.dns().forEach(a -> b.put(a.getAddress()));
            o.put(Dhcp4Message.DNS_SERVERS, b.array());
        }
        if (lease.hostname() != null && !lease.hostname().isEmpty()) {
            o.put(Dhcp4Message.HOSTNAME, lease.hostname().getBytes(StandardCharsets.US_ASCII));
        }
        if (lease.domain() != null && !lease.domain().isEmpty()) {
            o.put(Dhcp4Message.DOMAIN_NAME, lease.domain().getBytes(StandardCharsets.US_ASCII));
        }
        if (!lease.search().isEmpty()) {
            o.put(Dhcp4Message.DOMAIN_SEARCH, DomainNames.encode(lease.search()));
        }
    }

    /** RFC 2131 4.1: to the client's address when it has one, else broadcast. */
    private static byte[] destination(Dhcp4Message m) {
        return Arrays.equals(m.ciaddr(), ZERO) ? BROADCAST : m.ciaddr();
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }

    static byte[] mask(int prefix) {
        return u32(prefix == 0 ? 0 : -1 << (32 - prefix));
    }

    private static String text(byte[] address) {
        if (address == null) {
            return "(none)";
        }
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            return "(" + address.length + " bytes)";
        }
    }
}
