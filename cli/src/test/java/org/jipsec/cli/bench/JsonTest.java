package org.jipsec.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void readsObjectsArraysAndScalars() {
        Object v = Json.parse(
                " {\"a\": [1, -2.5e3, true, false, null], \"b\": {\"c\": \"x\\\"y\\u00e9\\n\"}, \"d\": {}} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(Arrays.asList(1.0, -2500.0, true, false, null), m.get("a"));
        assertEquals("x\"yé\n", ((Map<?, ?>) m.get("b")).get("c"));
        assertEquals(Map.of(), m.get("d"));
        assertEquals(List.of(), Json.parse("[]"));
    }

    @Test
    void numberFollowsAPathOrIsNaN() {
        Object v = Json.parse("{\"end\": {\"sum\": {\"bps\": 42}, \"s\": \"t\"}}");
        assertEquals(42.0, Json.number(v, "end", "sum", "bps"));
        assertTrue(Double.isNaN(Json.number(v, "end", "missing")));
        assertTrue(Double.isNaN(Json.number(v, "end", "s")));
        assertTrue(Double.isNaN(Json.number(v, "end", "s", "deeper")));
    }

    @Test
    void malformedTextIsAClearError() {
        for (String bad :
                List.of("", "{", "{\"a\" 1}", "[1,]", "[1 2]", "\"open", "tru", "{\"a\":1} x", "-", "\"\\q\"")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("JSON: ") && e.getMessage().contains("offset"), e.getMessage());
        }
    }

    @Test
    void deepNestingIsRefusedNotAStackOverflow() {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        assertThrows(IllegalArgumentException.class, () -> Json.parse(deep));
    }
}
