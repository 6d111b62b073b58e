package dev.podnic.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
    @TempDir
    Path tmp;

    private String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void printsTheNormalizedSpec() throws Exception {
        Path f = Files.writeString(tmp.resolve("vm.yaml"), """
                kind: VirtualMachine
                metadata: {name: testvm}
                spec: {domain: {devices: {interfaces: [{type: pod-network, mac: {address: '00:11:22:33:44:55'}}, {type: pod-network}]}}}
                """);
        String[] r = run("validate", f.toString());
        assertThat(r[0]).isEqualTo("0");
        assertThat(r[1]).contains("form: seed").contains("mac: 00:11:22:33:44:55").contains("vmiInterface: vmi1")
                .contains("macSource: generated");
    }

    @Test
    void listsEveryErrorAndExits1() throws Exception {
        Path f = Files.writeString(tmp.resolve("vm.yaml"), """
                kind: VirtualMachine
                metadata: {name: testvm}
                spec: {domain: {devices: {interfaces: [{type: pod-network, mac: {address: 'zz'}}, {type: tap}]}}}
                """);
        String[] r = run("validate", f.toString());
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[2]).contains("2 problems").contains("interfaces[0].mac.address = \"zz\"").contains("interfaces[1].type = \"tap\"");
    }

    @Test
    void missingFileIsAUsageError() {
        String[] r = run("validate", tmp.resolve("absent.yaml").toString());
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("no such file");
    }
}
