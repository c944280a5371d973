package dev.backendpatterns.pubsub.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TopKTest {
    @Test
    void keepsExactlyWhatABruteForceSortKeeps() {
        SplittableRandom random = new SplittableRandom(11);
        for (int round = 0; round < 200; round++) {
            int k = 1 + random.nextInt(30);
            int n = random.nextInt(500);
            TopK<Score> top = new TopK<>(k, Score.RANKING);
            List<Score> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                // few distinct points and penalties, so that ties are frequent and the id decides
                Score s = new Score(random.nextInt(1000), "", 1 + random.nextInt(15), 300 * random.nextInt(5), null, null);
                all.add(s);
                top.offer(s);
            }
            all.sort(Score.RANKING);
            assertEquals(all.subList(0, Math.min(k, n)), top.sorted(), "round " + round);
        }
    }

    @Test
    void kMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new TopK<>(0, Score.RANKING));
    }
}
