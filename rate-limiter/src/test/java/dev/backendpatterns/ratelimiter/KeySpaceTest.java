package dev.backendpatterns.ratelimiter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.cluster.SlotHash;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeySpaceTest {
    @Test
    void withoutGroupsEveryIdentityIsItsOwnHashTag() {
        KeySpace keys = new KeySpace("t", 100);
        assertEquals("bp:rl:t:{7}", keys.name(7));
        assertEquals(0, keys.slotGroups());
        Set<Integer> slots = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            slots.add(SlotHash.getSlot(keys.bytes(i)));
        }
        assertTrue(slots.size() > 95, "100 identities spread over " + slots.size() + " slots");
    }

    @Test
    void aGroupSharesOneSlotAndTheGroupsSlotsFallOneInEachPartOfTheRange() {
        for (int groups : new int[] {1, 3, 12, 48, 16384}) {
            KeySpace keys = new KeySpace("t", 20_000, groups);
            assertEquals(groups, keys.slotGroups());
            Set<Integer> parts = new HashSet<>();
            for (int g = 0; g < Math.min(groups, 20_000); g++) {
                int slot = SlotHash.getSlot(keys.bytes(g));
                for (int i = g; i < 20_000; i += groups) {
                    assertEquals(slot, SlotHash.getSlot(keys.bytes(i)), "identity " + i + " of group " + g);
                }
                parts.add((int) ((long) slot * groups / SlotHash.SLOT_COUNT));
            }
            assertEquals(Math.min(groups, 20_000), parts.size(), groups + " groups in distinct parts of the slot range");
        }
    }

    @Test
    void namesStayDistinctAndUnderThePrefix() {
        KeySpace keys = new KeySpace("t", 1000, 3);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            assertTrue(keys.name(i).startsWith(KeySpace.PREFIX + "t:{"), keys.name(i));
            names.add(keys.name(i));
        }
        assertEquals(1000, names.size());
        assertNotEquals(keys.name(0), new KeySpace("u", 1000, 3).name(0), "runs are kept apart by their tag");
    }

    @Test
    void badGroupCountsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new KeySpace("t", 10, -1));
        assertThrows(IllegalArgumentException.class, () -> new KeySpace("t", 10, 16385));
    }
}
