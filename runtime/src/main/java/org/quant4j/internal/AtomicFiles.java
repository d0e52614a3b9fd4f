package org.quant4j.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that readers, and a process killed half way, see either the old file or the whole new
 * one: the content goes to a temporary sibling ({@code .<name>.<random>.tmp} in the same directory), is
 * forced to disk, and the sibling is then renamed over the target in one atomic move. A failure removes the
 * sibling and leaves the target as it was. The new file gets the permissions of any newly created file
 * (the process's umask), not the owner-only ones of {@link Files#createTempFile}.
 */
public final class AtomicFiles {

  /** Writes a file's whole content to a stream. */
  @FunctionalInterface
  public interface Content {
    /**
     * Writes the content.
     *
     * @param out the temporary sibling's stream; closed by the caller
     * @throws IOException if writing fails
     */
    void writeTo(OutputStream out) throws IOException;
  }

  private AtomicFiles() {}

  /**
   * Writes bytes atomically.
   *
   * @param target the file to create or replace; its parent directory must exist
   * @param bytes the whole content
   * @throws IOException if the sibling cannot be written or moved; the target is then unchanged
   */
  public static void write(Path target, byte[] bytes) throws IOException {
    write(target, out -> out.write(bytes));
  }

  /**
   * Writes UTF-8 text atomically.
   *
   * @param target the file to create or replace; its parent directory must exist
   * @param text the whole content
   * @throws IOException if the sibling cannot be written or moved; the target is then unchanged
   */
  public static void writeString(Path target, String text) throws IOException {
    write(target, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Writes a file atomically from a stream.
   *
   * @param target the file to create or replace; its parent directory must exist
   * @param content writes the whole content
   * @throws IOException if the content, the sibling or the move fails; the target is then unchanged
   */
  public static void write(Path target, Content content) throws IOException {
    Path abs = target.toAbsolutePath();
    if (Files.isDirectory(abs)) {
      throw new IOException(abs + " is a directory, expected a file path");
    }
    Path tmp = abs.resolveSibling("." + abs.getFileName() + "."
        + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
    boolean moved = false;
    try {
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          OutputStream out = Channels.newOutputStream(channel)) {
        content.writeTo(out);
        out.flush();
        channel.force(true);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
      moved = true;
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }
}
