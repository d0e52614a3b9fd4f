package org.quant4j.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A titled table of text cells, printed on the console ({@link #toText()}) and rendered into the report.
 *
 * @param title the caption
 * @param header the column names
 * @param rows the rows, each with one cell per column
 * @param notes lines printed under the table (what a column means, why a bar is not met)
 */
public record Table(String title, List<String> header, List<List<String>> rows, List<String> notes) {

  /**
   * Copies the lists and checks every row's width.
   *
   * @throws IllegalArgumentException naming the first row whose width differs from the header's
   */
  public Table {
    header = List.copyOf(header);
    List<List<String>> copy = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      if (rows.get(i).size() != header.size()) {
        throw new IllegalArgumentException(
            "rows[" + i + "] has " + rows.get(i).size() + " cells, expected " + header.size() + " (one per column)");
      }
      copy.add(List.copyOf(rows.get(i)));
    }
    rows = List.copyOf(copy);
    notes = List.copyOf(notes);
  }

  /** @return the table as aligned plain text: the title, the header, a rule, the rows, the notes */
  public String toText() {
    int[] w = new int[header.size()];
    for (int c = 0; c < w.length; c++) {
      w[c] = header.get(c).length();
      for (List<String> r : rows) {
        w[c] = Math.max(w[c], r.get(c).length());
      }
    }
    StringBuilder sb = new StringBuilder(title).append('\n');
    appendRow(sb, header, w);
    for (int c = 0; c < w.length; c++) {
      sb.append(c == 0 ? "" : "-+-").append("-".repeat(w[c]));
    }
    sb.append('\n');
    for (List<String> r : rows) {
      appendRow(sb, r, w);
    }
    for (String n : notes) {
      sb.append(n).append('\n');
    }
    return sb.toString();
  }

  private static void appendRow(StringBuilder sb, List<String> cells, int[] w) {
    for (int c = 0; c < w.length; c++) {
      String cell = cells.get(c);
      sb.append(c == 0 ? "" : " | ");
      sb.append(c == 0 ? cell + " ".repeat(w[c] - cell.length()) : " ".repeat(w[c] - cell.length()) + cell);
    }
    sb.append('\n');
  }
}
