package dev.podnic.cni.skel;

/** What a plugin answers: the status it exits with and what it prints (a result, a version answer or an error). */
public record PluginOutput(int exitCode, byte[] stdout) {
}
