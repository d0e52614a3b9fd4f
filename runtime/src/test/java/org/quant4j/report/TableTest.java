package org.quant4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {

  @Test
  void alignsTextColumnsLeftForTheFirstAndRightForTheRest() {
    Table t = new Table("T", List.of("row", "v"), List.of(List.of("a", "1.00"), List.of("long row", "10.00")),
        List.of("note"));
    assertEquals("T\nrow      |     v\n---------+------\na        |  1.00\nlong row | 10.00\nnote\n", t.toText());
  }

  @Test
  void rejectsARowOfTheWrongWidth() {
    assertThrows(IllegalArgumentException.class,
        () -> new Table("T", List.of("a", "b"), List.of(List.of("only one")), List.of()));
  }
}
