package dev.podnic.binding.dhcp.server;

import static dev.podnic.binding.dhcp.server.RealClientPackets.CLIENT_DUID;
import static dev.podnic.binding.dhcp.server.RealClientPackets.DNSMASQ_DUID;
import static dev.podnic.binding.dhcp.server.RealClientPackets.hex;
import static org.assertj.core.api.Assertions.assertThat;

import dev.podnic.binding.dhcp.server.Dhcp6Message.Option;
import dev.podnic.inet.IpLiteral;
import dev.podnic.inet.IpNet;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The DHCPv6 server's answers, byte for byte: to requests ISC dhclient sent (see
 * {@link RealClientPackets}), the reply assembled here from RFC 8415's layouts — not by the code
 * under test — and every message type of section 18.3; hostile input never throws. The lease answers
 * as the server dhclient talked to (dnsmasq's DUID), so that its REQUEST is addressed to it.
 */
@Timeout(30)
class Dhcp6ResponderTest {
    private static final ServedLease LEASE = new ServedLease(null, null, null, List.of(), 1400, List.of(), List.of("example.test"),
            null, "h", 3600, IpNet.parse("fd00:9::5/64"), List.of(IpLiteral.parse("fd00:53::53")), DNSMASQ_DUID);
    private static final String IA_NA = "0003" + "0028" + "00000a01" + "00000708" + "00000b40" // IAID, T1 1800 s, T2 2880 s
            + "0005" + "0018" + "fd000009000000000000000000000005" + "00000e10" + "00000e10"; // fd00:9::5, 3600 s both
    private static final String CONFIGURATION = "0017" + "0010" + "fd000053000000000000000000000053" // DNS fd00:53::53
            + "0018" + "000e" + "076578616d706c650474657374" + "00";                          // domain list example.test

    /** The start of a REPLY to {@link #message}: type, its transaction id, the client's identifier echoed, the server's. */
    private static final String REPLY_TO_MESSAGE = "07" + "123456" + "0001" + "000e" + CLIENT_DUID + "0002" + "000e" + DNSMASQ_DUID;

    private final Dhcp6Responder responder = new Dhcp6Responder(LEASE);

    private Dhcp6Responder.Answer answer(byte[] request) {
        return Dhcp6Message.read(request, request.length).flatMap(responder::answer).orElseThrow();
    }

    @Test
    void dhclientsSolicitGetsTheAdvertiseByteForByte() {
        assertThat(HexFormat.of().formatHex(answer(RealClientPackets.DHCLIENT_SOLICIT).packet())).isEqualTo(
                "02" + "c6c8b9"                                  // ADVERTISE, the client's transaction id
                        + "0001" + "000e" + CLIENT_DUID          // client identifier, echoed
                        + "0002" + "000e" + DNSMASQ_DUID         // server identifier
                        + "0007" + "0001" + "ff"                 // preference 255: no need to wait for others
                        + IA_NA + CONFIGURATION);
    }

    @Test
    void dhclientsRequestGetsTheReplyByteForByte() {
        Dhcp6Responder.Answer reply = answer(RealClientPackets.DHCLIENT_REQUEST);
        assertThat(HexFormat.of().formatHex(reply.packet())).isEqualTo("07" + "24d267" + "0001000e" + CLIENT_DUID
                + "0002000e" + DNSMASQ_DUID + IA_NA + CONFIGURATION);
        assertThat(reply.event()).isEqualTo("REPLY fd00:9::5 to 00:01:00:01:32:a2:8e:a2:02:00:00:00:0a:01");
    }

    @Test
    void messagesForAnotherServerOrWithoutIdentifiersAreDropped() {
        Dhcp6Responder other = new Dhcp6Responder(new ServedLease(null, null, null, List.of(), 1400, List.of(), List.of(), null, null,
                3600, LEASE.address6(), List.of(), "0004" + "11".repeat(16)));
        assertThat(Dhcp6Message.read(RealClientPackets.DHCLIENT_REQUEST, RealClientPackets.DHCLIENT_REQUEST.length)
                .flatMap(other::answer)).as("a REQUEST to dnsmasq").isEmpty();
        assertThat(responder.answer(message(Dhcp6Message.SOLICIT, List.of()))).as("no client identifier").isEmpty();
        assertThat(responder.answer(message(Dhcp6Message.SOLICIT, List.of(client(), server())))).as("a SOLICIT names no server").isEmpty();
        assertThat(responder.answer(message(Dhcp6Message.REBIND, List.of(client(), server())))).isEmpty();
        assertThat(responder.answer(message(Dhcp6Message.ADVERTISE, List.of(client(), server())))).as("a server's message").isEmpty();
        assertThat(responder.answer(message(12, List.of(client())))).as("a relay's message").isEmpty();
    }

    /** A RENEW (or REBIND) that brings another address: the lease's is bound, the other given back with lifetimes 0. */
    @Test
    void renewAndRebindBindTheLeasesAddressAndGiveBackAnyOther() {
        Option ia = new Option(Dhcp6Message.IA_NA, hex("00000a01" + "00000000" + "00000000" + "0005" + "0018"
                + "fd000009000000000000000000000007" + "00000e10" + "00000e10"));
        for (int type : new int[] {Dhcp6Message.RENEW, Dhcp6Message.REBIND}) {
            List<Option> options = type == Dhcp6Message.RENEW ? List.of(client(), server(), ia) : List.of(client(), ia);
            assertThat(HexFormat.of().formatHex(responder.answer(message(type, options)).orElseThrow().packet())).isEqualTo(
                    REPLY_TO_MESSAGE + "0003" + "0044" + IA_NA.substring(8)       // the IA grows by the address given back:
                            + "0005" + "0018" + "fd000009000000000000000000000007" + "00000000" + "00000000" // lifetimes 0
                            + CONFIGURATION);
        }
    }

    /**
     * The vNIC's link serves exactly one address: the lease's is on it; any other — also one of the same
     * prefix, e.g. the address a migrated guest brings from its source pod — is not, so the client asks anew.
     */
    @Test
    void confirmSaysWhetherTheClientsAddressesAreOnThisLink() {
        assertThat(HexFormat.of().formatHex(responder.answer(message(Dhcp6Message.CONFIRM, List.of(client(),
                ia("fd000009000000000000000000000005")))).orElseThrow().packet()))
                .isEqualTo(REPLY_TO_MESSAGE + "000d" + "0009" + "0000" + "73756363657373");          // status Success, "success"
        assertThat(HexFormat.of().formatHex(responder.answer(message(Dhcp6Message.CONFIRM, List.of(client(),
                ia("fd000009000000000000000000000099")))).orElseThrow().packet()))
                .isEqualTo(REPLY_TO_MESSAGE + "000d" + "000d" + "0004" + "6e6f74206f6e206c696e6b"); // NotOnLink, "not on link"
        assertThat(status(responder.answer(message(Dhcp6Message.CONFIRM, List.of(client(), ia("fd000009000000000000000000000099"))))
                .orElseThrow().packet())).as("same prefix, another address").isEqualTo(Dhcp6Message.NOT_ON_LINK);
        assertThat(status(responder.answer(message(Dhcp6Message.CONFIRM, List.of(client(), ia("fd000010000000000000000000000005"))))
                .orElseThrow().packet())).isEqualTo(Dhcp6Message.NOT_ON_LINK);
        assertThat(responder.answer(message(Dhcp6Message.CONFIRM, List.of(client())))).as("nothing to confirm").isEmpty();
    }

    @Test
    void releaseAndDeclineAreAnsweredWithSuccess() {
        for (int type : new int[] {Dhcp6Message.RELEASE, Dhcp6Message.DECLINE}) {
            // RFC 8415 18.3.7/18.3.8: identifiers and a Success status; no IA, no configuration
            assertThat(HexFormat.of().formatHex(responder.answer(message(type, List.of(client(), server(), ia(
                    "fd000009000000000000000000000005")))).orElseThrow().packet()))
                    .isEqualTo(REPLY_TO_MESSAGE + "000d" + "0009" + "0000" + "73756363657373");
        }
    }

    @Test
    void informationRequestGetsTheConfigurationOnly() {
        assertThat(HexFormat.of().formatHex(responder.answer(message(Dhcp6Message.INFORMATION_REQUEST, List.of(client())))
                .orElseThrow().packet())).isEqualTo(REPLY_TO_MESSAGE + CONFIGURATION); // no IA: configuration only
        assertThat(responder.answer(message(Dhcp6Message.INFORMATION_REQUEST, List.of(new Option(Dhcp6Message.SERVERID,
                hex("0004" + "22".repeat(16))))))).as("addressed to another server").isEmpty();
    }

    @Test
    void malformedMessagesAreDroppedAndRandomDamageNeverThrows() {
        assertThat(Dhcp6Message.read(hex("01c6c8"), 3)).isEmpty();
        assertThat(Dhcp6Message.read(hex("01c6c8b9000100ff0001"), 10)).as("an option past the end").isEmpty();
        assertThat(responder.answer(message(Dhcp6Message.SOLICIT, List.of(client(), new Option(Dhcp6Message.IA_NA, hex("0001"))))))
                .as("a short IA_NA is left out").hasValueSatisfying(a -> assertThat(read(a.packet()).first(Dhcp6Message.IA_NA)).isEmpty());
        Random random = new Random(20261202);
        for (int i = 0; i < 20_000; i++) {
            byte[] p = (i % 2 == 0 ? RealClientPackets.DHCLIENT_SOLICIT : RealClientPackets.DHCLIENT_REQUEST).clone();
            for (int k = random.nextInt(6); k >= 0; k--) {
                p[random.nextInt(p.length)] = (byte) random.nextInt(256);
            }
            int length = random.nextInt(4) == 0 ? random.nextInt(p.length + 1) : p.length;
            Dhcp6Message.read(p, length).flatMap(responder::answer).ifPresent(a -> assertThat(a.event()).isNotBlank());
        }
    }

    private static Option client() {
        return new Option(Dhcp6Message.CLIENTID, hex(CLIENT_DUID));
    }

    private static Option server() {
        return new Option(Dhcp6Message.SERVERID, hex(DNSMASQ_DUID));
    }

    private static Option ia(String address) {
        return new Option(Dhcp6Message.IA_NA, hex("00000a01" + "00000000" + "00000000" + "0005" + "0018" + address + "00000000"
                + "00000000"));
    }

    private static Dhcp6Message message(int type, List<Option> options) {
        return new Dhcp6Message(type, 0x123456, new ArrayList<>(options));
    }

    private static Dhcp6Message read(byte[] packet) {
        return Dhcp6Message.read(packet, packet.length).orElseThrow();
    }

    private static int status(byte[] packet) {
        return ByteBuffer.wrap(read(packet).first(Dhcp6Message.STATUS_CODE).orElseThrow()).getShort();
    }
}
