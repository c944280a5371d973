package dev.backendpatterns.pubsub.dashboard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backendpatterns.common.messaging.MalformedMessageException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ScoreJsonTest {
    @Test
    void writesWhatDataBindingWroteAndReadsItBack() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ScoreJson json = new ScoreJson();
        Score[] scores = {
            new Score(0, "Ana Silva", 1, 0, new int[] {1, 0, 0, 0}, "s1"),
            new Score(1_999_999, "Zoë \"Q\" Öztürk", 15, 1_510, new int[] {12, 3, 300, 19}, "a:b:c"),
        };
        for (Score score : scores) { // the same generator, one score after another: no separator between them
            byte[] ours = json.write(score.id(), score.name(), score.point(), score.penalty(), score.finish(), score.stamp());
            assertEquals(new String(mapper.writeValueAsBytes(score), StandardCharsets.UTF_8), new String(ours, StandardCharsets.UTF_8));
            Score back = ScoreJson.read(ours);
            assertEquals(score.id(), back.id());
            assertEquals(score.name(), back.name());
            assertEquals(score.point(), back.point());
            assertEquals(score.penalty(), back.penalty());
            assertArrayEquals(score.finish(), back.finish());
            assertEquals(score.stamp(), back.stamp());
        }
    }

    @Test
    void fieldsMayComeInAnyOrder() {
        Score s = ScoreJson.read(bytes("{\"stamp\":\"x\",\"finish\":[2,0],\"penalty\":7,\"point\":2,\"name\":\"n\",\"id\":5}"));
        assertEquals(5, s.id());
        assertEquals(2, s.point());
        assertEquals(7, s.penalty());
        assertArrayEquals(new int[] {2, 0}, s.finish());
        Score half = ScoreJson.read(bytes("{\"id\":5,\"name\":\"n\",\"stamp\":\"x\",\"point\":2,\"finish\":[1],\"penalty\":3}"));
        assertEquals("n", half.name());
        assertEquals(2, half.point());
        assertEquals(3, half.penalty());
        assertEquals("x", half.stamp());
    }

    @Test
    void anythingButAScoreIsMalformed() {
        String[] bad = {
            "not a score",
            "",
            "[1,2]",
            "{\"id\":1,\"name\":\"x\",\"point\":3,\"penalty\":0,\"finish\":[1,1,0,0]}", // no stamp
            "{\"name\":\"x\",\"point\":3,\"stamp\":\"s\"}", // no id
            "{\"id\":\"1\",\"name\":\"x\",\"point\":3,\"stamp\":\"s\"}", // id a string
            "{\"id\":1,\"name\":\"x\",\"point\":3,\"stamp\":\"s\",\"extra\":1}", // unknown field
            "{\"id\":1,\"name\":\"x\",\"point\":3,\"stamp\":\"s\",\"finish\":[1,\"a\"]}",
            "{\"id\":1,\"name\":\"x\",\"point\":3,\"stamp\":\"s\"} {}", // two objects
            "{\"id\":1,\"name\":\"x\",\"point\":3,", // cut short
            "{\"id\":1,\"name\":\"x\",\"point\":3,\"penalty\":0,\"finish\":[1,1,0,0],\"stamp\":\"s\",\"id\":2,\"x\":0}",
            "{\"id\":1,\"name\":\"x\",\"point\":3,\"penalty\":0,\"finish\":[1,1,0,0],\"stamp\":\"s\",\"more\":1}",
        };
        for (String json : bad) {
            assertThrows(MalformedMessageException.class, () -> ScoreJson.read(bytes(json)), json);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
