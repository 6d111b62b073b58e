package dev.podnic.guest;

import java.nio.file.Path;

/** A bootable test guest: a kernel and an initramfs. */
public record GuestImage(Path kernel, Path initrd) {
}
