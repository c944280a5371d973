package dev.backendpatterns.common.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void roundTrips() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("p50", 12L);
        inner.put("ratio", 0.25);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("name", "quote \" backslash \\ newline \n tab \t");
        doc.put("count", 10_000_000L);
        doc.put("whole", 3.0);
        doc.put("flag", true);
        doc.put("nothing", null);
        doc.put("list", List.of(1L, "two", 3.5));
        doc.put("latency", inner);
        doc.put("empty", Map.of());
        Object parsed = Json.parse(Json.write(doc));
        assertEquals(doc, parsed);
    }

    @Test
    void rejectsBrokenDocuments() {
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": }"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1, 2"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{} extra"));
    }
}
