package dev.podnic.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A baseline written in Go on Debian's libcni (golang-github-appc-cni-dev), built offline for this run. */
final class GoProgram {
    private GoProgram() {
    }

    /** Builds {@code source} into {@code work}/NAME (GOPATH mode, Debian's packaged sources) and returns it. */
    static Path build(Path source, Path work, String name) throws Exception {
        Path out = work.resolve(name);
        ProcessBuilder pb = new ProcessBuilder("go", "build", "-o", out.toString(), source.toAbsolutePath().toString())
                .redirectErrorStream(true);
        pb.environment().put("GO111MODULE", "off");
        pb.environment().put("GOPATH", "/usr/share/gocode");
        pb.environment().put("GOCACHE", work.resolve("go-cache").toString());
        pb.environment().put("GOFLAGS", "");
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("go build " + name + " (needs golang-go, golang-github-appc-cni-dev): " + text);
        }
        return out;
    }
}
