package dev.podnic.binding.dhcp.server;

import static dev.podnic.binding.dhcp.server.RealClientPackets.hex;
import static org.assertj.core.api.Assertions.assertThat;

import dev.podnic.binding.plan.GuestRoute;
import dev.podnic.inet.IpLiteral;
import dev.podnic.inet.IpNet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The DHCPv4 server's answers, byte for byte: to requests real clients sent (busybox udhcpc, see
 * {@link RealClientPackets}), the reply assembled here field by field from RFC 2131 and 2132 —
 * not by the code under test — and every path of RFC 2131 4.3; hostile input never throws.
 */
@Timeout(30)
class Dhcp4ResponderTest {
    static final ServedLease LEASE = new ServedLease(IpLiteral.parse("169.254.75.1"), IpNet.parse("10.9.0.5/24"),
            IpLiteral.parse("10.9.0.1"), List.of(new GuestRoute(IpNet.parse("169.254.75.1/32"), null),
            new GuestRoute(IpNet.parse("0.0.0.0/0"), IpLiteral.parse("10.9.0.1"))), 1400, List.of(IpLiteral.parse("192.0.2.53")),
            List.of("svc.example.test"), "example.test", "h", 3600, null, List.of(), "0004" + "00".repeat(16));

    private final Dhcp4Responder responder = new Dhcp4Responder(LEASE);

    private static final String SERVER_ID = "3604" + "a9fe4b01";          // server identifier 169.254.75.1
    private static final String UDHCPC_CLIENT_ID = "3d07" + "01020000000a01"; // the client's identifier, echoed (RFC 6842)
    private static final String LEASE_TIMES = "3304" + "00000e10"         // lease 3600 s
            + "3a04" + "00000708"                                          // renewal (T1) 1800 s
            + "3b04" + "00000c4e";                                         // rebinding (T2) 3150 s
    private static final String MASK = "0104" + "ffffff00";               // subnet mask /24
    private static final String CONFIGURATION = "0304" + "0a090001"       // router 10.9.0.1
            + "790e" + "20a9fe4b01" + "00000000"                           // classless routes: 169.254.75.1/32 on-link,
            + "00" + "0a090001"                                            //   0.0.0.0/0 via 10.9.0.1
            + "1a02" + "0578"                                              // MTU 1400
            + "0604" + "c0000235"                                          // DNS 192.0.2.53
            + "0c01" + "68"                                                // host name "h"
            + "0f0c" + "6578616d706c652e74657374"                          // domain name "example.test"
            + "7712" + "03737663076578616d706c650474657374" + "00";        // search: svc.example.test

    /** A BOOTREPLY to 02:00:00:00:0a:01 (RFC 2131 2, table 3): its header, {@code options}, the end option, BOOTP's minimum length. */
    private static String bootReply(String xid, String ciaddr, String yiaddr, String options) {
        String header = "02" + "01" + "06" + "00"   // BOOTREPLY, Ethernet, 6-byte MAC, no hops
                + xid + "0000" + "0000"               // the client's xid, secs, flags (the client's: not broadcast)
                + ciaddr + yiaddr                     // ciaddr, yiaddr
                + "00000000" + "00000000"             // siaddr, giaddr
                + "020000000a01" + "00".repeat(10)    // chaddr
                + "00".repeat(64) + "00".repeat(128)  // sname, file
                + "63825363";                         // magic cookie
        String message = header + options + "ff";
        return message + "00".repeat(Math.max(0, 300 - message.length() / 2));
    }

    /** The reply to udhcpc's DISCOVER or REQUEST (xid f8e7e732), type {@code type}: the lease, to be broadcast. */
    private static String reply(String type) {
        return bootReply("f8e7e732", "00000000", "0a090005", "3501" + type + SERVER_ID + UDHCPC_CLIENT_ID + LEASE_TIMES + MASK
                + CONFIGURATION);
    }

    private Dhcp4Responder.Answer answer(byte[] request) {
        return Dhcp4Message.read(request, request.length).flatMap(responder::answer).orElseThrow();
    }

    @Test
    void udhcpcsDiscoverGetsTheOfferByteForByteBroadcast() {
        Dhcp4Responder.Answer offer = answer(RealClientPackets.UDHCPC_DISCOVER);
        assertThat(HexFormat.of().formatHex(offer.packet())).isEqualTo(reply("02"));
        assertThat(offer.destination()).isEqualTo(Dhcp4Responder.BROADCAST);
        assertThat(offer.event()).isEqualTo("DHCPOFFER 10.9.0.5 to 02:00:00:00:0a:01");
    }

    @Test
    void udhcpcsRequestSelectingThisServerGetsTheAck() {
        Dhcp4Responder.Answer ack = answer(RealClientPackets.UDHCPC_REQUEST);
        assertThat(HexFormat.of().formatHex(ack.packet())).isEqualTo(reply("05"));
        assertThat(ack.destination()).isEqualTo(Dhcp4Responder.BROADCAST);
    }

    @Test
    void aRequestSelectingAnotherServerIsNotOurs() {
        byte[] other = RealClientPackets.UDHCPC_REQUEST.clone();
        int serverId = indexOf(other, hex("3604a9fe4b01"));
        other[serverId + 5] = 2; // 169.254.75.2
        assertThat(Dhcp4Message.read(other, other.length).flatMap(responder::answer)).isEmpty();
    }

    @Test
    void aRequestForAnotherAddressIsRefusedByBroadcast() {
        byte[] other = RealClientPackets.UDHCPC_REQUEST.clone();
        int requested = indexOf(other, hex("32040a090005"));
        other[requested + 5] = 9; // 10.9.0.9: what a guest remembers from elsewhere
        Dhcp4Responder.Answer nak = answer(other);
        // RFC 2131 table 3: no ciaddr, no yiaddr; type, server identifier, a message (56); no lease, no configuration
        assertThat(HexFormat.of().formatHex(nak.packet())).isEqualTo(bootReply("f8e7e732", "00000000", "00000000",
                "3501" + "06" + SERVER_ID + UDHCPC_CLIENT_ID + "380d" + "77726f6e672061646472657373")); // "wrong address"
        assertThat(nak.destination()).isEqualTo(Dhcp4Responder.BROADCAST);
        assertThat(nak.event()).isEqualTo("DHCPNAK 10.9.0.9 to 02:00:00:00:0a:01: the address is 10.9.0.5");
    }

    /** RENEWING: ciaddr set, no requested address, no server identifier; the answer goes to the client's address. */
    @Test
    void aRenewalIsAnsweredToTheClientsAddress() {
        Dhcp4Message renewal = request(Dhcp4Message.REQUEST, hex("0a090005"));
        Dhcp4Responder.Answer ack = responder.answer(renewal).orElseThrow();
        // the client's ciaddr kept, the lease in yiaddr; no client identifier to echo (the request sent none)
        assertThat(HexFormat.of().formatHex(ack.packet())).isEqualTo(bootReply("00001234", "0a090005", "0a090005",
                "3501" + "05" + SERVER_ID + LEASE_TIMES + MASK + CONFIGURATION));
        assertThat(ack.destination()).isEqualTo(hex("0a090005"));
        assertThat(ack.event()).endsWith("(renewing)");
        assertThat(responder.answer(request(Dhcp4Message.REQUEST, hex("0a090007"))).orElseThrow().packet()[242])
                .as("renewing an address that is not the lease's: NAK").isEqualTo((byte) Dhcp4Message.NAK);
    }

    @Test
    void informGetsTheConfigurationWithoutALease() {
        Dhcp4Responder.Answer ack = responder.answer(request(Dhcp4Message.INFORM, hex("0a090005"))).orElseThrow();
        // RFC 2131 4.3.5: no yiaddr, no lease times; the configuration for the address the client has
        assertThat(HexFormat.of().formatHex(ack.packet())).isEqualTo(bootReply("00001234", "0a090005", "00000000",
                "3501" + "05" + SERVER_ID + MASK + CONFIGURATION));
        assertThat(ack.destination()).isEqualTo(hex("0a090005"));
    }

    @Test
    void releaseAndDeclineAreNotedAndNotAnswered() {
        assertThat(responder.answer(request(Dhcp4Message.RELEASE, hex("0a090005"))).orElseThrow())
                .satisfies(a -> assertThat(a.packet()).isNull()).extracting(Dhcp4Responder.Answer::event)
                .isEqualTo("DHCPRELEASE 10.9.0.5 by 02:00:00:00:0a:01");
        assertThat(responder.answer(request(Dhcp4Message.DECLINE, new byte[4])).orElseThrow().packet()).isNull();
        assertThat(responder.answer(request(Dhcp4Message.OFFER, new byte[4]))).as("a server's message").isEmpty();
    }

    /** RFC 3396: an option over 255 bytes goes out in pieces, and is read back whole. */
    @Test
    void longOptionsAreSplitAndJoined() {
        List<GuestRoute> routes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            routes.add(new GuestRoute(IpNet.parse("10." + i + ".0.0/16"), IpLiteral.parse("10.9.0.1")));
        }
        ServedLease many = new ServedLease(LEASE.serverId(), LEASE.address(), LEASE.gateway(), routes, 1500, List.of(), List.of(),
                null, null, 3600, null, List.of(), LEASE.duid());
        byte[] packet = new Dhcp4Responder(many).answer(Dhcp4Message.read(RealClientPackets.UDHCPC_DISCOVER, 300).orElseThrow())
                .orElseThrow().packet();
        int first = indexOf(packet, new byte[] {121, (byte) 255});
        assertThat(first).isPositive();
        assertThat(packet[first + 2 + 255]).isEqualTo((byte) 121);
        assertThat(packet[first + 2 + 255 + 1]).isEqualTo((byte) (40 * 7 - 255));
        assertThat(Dhcp4Message.read(packet, packet.length).orElseThrow().option(Dhcp4Message.CLASSLESS_ROUTES))
                .hasValueSatisfying(v -> assertThat(v).hasSize(40 * 7));
    }

    @Test
    void whatIsNotADhcpRequestIsDropped() {
        byte[] d = RealClientPackets.UDHCPC_DISCOVER;
        assertThat(Dhcp4Message.read(d, 200)).as("truncated").isEmpty();
        byte[] cookie = d.clone();
        cookie[236] = 0;
        assertThat(Dhcp4Message.read(cookie, cookie.length)).as("no magic cookie: plain BOOTP").isEmpty();
        byte[] runsOver = Arrays.copyOf(d, 243);
        runsOver[240] = 53;
        runsOver[241] = 9;
        assertThat(Dhcp4Message.read(runsOver, runsOver.length)).as("an option past the end").isEmpty();
        byte[] relayed = d.clone();
        relayed[24] = 10;
        assertThat(Dhcp4Message.read(relayed, relayed.length).flatMap(responder::answer)).as("relayed").isEmpty();
        byte[] reply = d.clone();
        reply[0] = 2;
        assertThat(Dhcp4Message.read(reply, reply.length).flatMap(responder::answer)).as("another server's reply").isEmpty();
        byte[] token = d.clone();
        token[1] = 6;
        assertThat(Dhcp4Message.read(token, token.length)).as("not Ethernet").isEmpty();
    }

    /**
     * A hostile guest's bytes — options and fixed header damaged, packets cut short: whatever they are,
     * the server answers or drops them, and never throws.
     */
    @Test
    void randomlyDamagedRequestsNeverThrow() {
        Random random = new Random(20261202);
        for (int i = 0; i < 20_000; i++) {
            byte[] p = (i % 2 == 0 ? RealClientPackets.UDHCPC_DISCOVER : RealClientPackets.UDHCPC_REQUEST).clone();
            for (int k = random.nextInt(8); k >= 0; k--) {
                p[236 + random.nextInt(p.length - 236)] = (byte) random.nextInt(256);
            }
            // and the fixed header too (op, htype, hlen, hops, xid, secs, flags, the addresses, chaddr, sname, file)
            for (int k = random.nextInt(4); k > 0; k--) {
                p[random.nextInt(236)] = (byte) random.nextInt(256);
            }
            int length = random.nextInt(4) == 0 ? random.nextInt(p.length + 1) : p.length;
            Optional<Dhcp4Message> m = Dhcp4Message.read(p, length);
            m.flatMap(responder::answer).ifPresent(a -> assertThat(a.event()).isNotBlank());
        }
    }

    /** A request of {@code type} from udhcpc's MAC holding {@code ciaddr}, with no options but the type. */
    private static Dhcp4Message request(int type, byte[] ciaddr) {
        java.util.Map<Integer, byte[]> o = new java.util.LinkedHashMap<>();
        o.put(Dhcp4Message.MESSAGE_TYPE, new byte[] {(byte) type});
        byte[] bytes = new Dhcp4Message(Dhcp4Message.BOOTREQUEST, 0x1234, 0, ciaddr, new byte[4], new byte[4],
                hex("020000000a01"), o).write();
        return Dhcp4Message.read(bytes, bytes.length).orElseThrow();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
