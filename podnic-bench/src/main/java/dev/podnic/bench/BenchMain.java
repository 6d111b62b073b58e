package dev.podnic.bench;

/** Placeholder; replaced below. */
public final class BenchMain {
    public static void main(String[] args) {
    }
}
