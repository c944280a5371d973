package dev.backendpatterns.pubsub.dashboard;

import dev.backendpatterns.common.filter.KeyHash;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Participants' names: a first and a last name from the word lists shipped in the jar, fixed by the participant's id. */
final class Names {
    private static final List<String> FIRST = load("first-names.txt");
    private static final List<String> LAST = load("last-names.txt");

    private Names() {
    }

    private static List<String> load(String resource) {
        try (InputStream in = Names.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing word list " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String of(int participant) {
        long h = KeyHash.mix(participant + 0x5bd1e995L);
        return FIRST.get((int) Long.remainderUnsigned(h, FIRST.size())) + " "
                + LAST.get((int) Long.remainderUnsigned(h >>> 32, LAST.size()));
    }
}
