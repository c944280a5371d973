package dev.backendpatterns.applicationcache.invalidation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StaleReadCheckerTest {

    @Test
    void aReadOlderThanAWriteAcknowledgedBeforeItBeganIsStale() throws Exception {
        StaleReadChecker checker = new StaleReadChecker(3);
        checker.acknowledged(1, 1);
        checker.acknowledged(1, 2);
        Thread.sleep(20);
        StaleReadChecker.Floor floor = checker.floor(1);
        assertTrue(checker.judge(floor, 1), "version 1 after version 2 was acknowledged: stale (seeded by hand)");
        assertFalse(checker.judge(floor, 2));
        assertFalse(checker.judge(floor, 3), "a newer version, written while the read ran, is fresh");
        assertEquals(1, checker.staleReads());
        assertTrue(checker.maxStalenessMillis() >= 20, "behind by at least the 20 ms since version 2: " + checker.maxStalenessMillis());
    }

    @Test
    void aWriteAcknowledgedAfterTheReadBeganDoesNotMakeItStale() {
        StaleReadChecker checker = new StaleReadChecker(1);
        checker.acknowledged(0, 4);
        StaleReadChecker.Floor floor = checker.floor(0);
        checker.acknowledged(0, 5);
        assertFalse(checker.judge(floor, 4), "version 5 was not yet acknowledged when the read began");
        assertEquals(5, checker.latest(0));
    }

    @Test
    void acknowledgementsOutOfOrderKeepTheNewest() {
        StaleReadChecker checker = new StaleReadChecker(1);
        checker.acknowledged(0, 7);
        checker.acknowledged(0, 6);
        assertEquals(7, checker.latest(0));
        assertTrue(checker.judge(checker.floor(0), 6));
    }

    @Test
    void versionsAreReadFromTheStoredText() {
        assertEquals(12, LoginStore.versionOf("v12 2026-11-29T10:00:00Z"));
        assertEquals(3, LoginStore.versionOf("v3"));
        assertEquals(0, LoginStore.versionOf(null));
        assertEquals(0, LoginStore.versionOf("m4"));
    }
}
