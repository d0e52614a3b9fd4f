package org.quant4j.examples.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 verification of downloaded or hand-placed data files. */
final class Checksums {

  private Checksums() {}

  /**
   * @param file a file
   * @return its SHA-256 digest as lower-case hex
   * @throws IOException if it cannot be read
   */
  static String sha256(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM lacks SHA-256, which every Java SE runtime must provide", e);
    }
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /**
   * @param file a file that must exist
   * @param expected its expected SHA-256 (lower-case hex)
   * @return whether the file's digest is the expected one
   * @throws IOException if it cannot be read
   */
  static boolean matches(Path file, String expected) throws IOException {
    return Files.isRegularFile(file) && sha256(file).equals(expected);
  }
}
