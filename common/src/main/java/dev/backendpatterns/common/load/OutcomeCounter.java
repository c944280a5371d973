package dev.backendpatterns.common.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.LongAdder;

/** Thread-safe counts of outcomes by name, and of errors by kind (exception class and message). */
final class OutcomeCounter {
    private final ConcurrentHashMap<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final LongAdder ended = new LongAdder();

    /** A request's end: an outcome, or an error (an outcome of null counts as an error too). */
    void record(String outcome, Throwable error) {
        if (error != null) {
            countError(describe(error));
        } else if (outcome == null) {
            countError("the operation completed without an outcome");
        } else {
            counter(outcomes, outcome).increment();
        }
        ended.increment();
    }

    void recordTimeout() {
        counter(outcomes, LoadRunner.TIMEOUT).increment();
        ended.increment();
    }

    private void countError(String kind) {
        counter(outcomes, LoadRunner.ERROR).increment();
        counter(errors, kind).increment();
    }

    /** Requests that ended, whatever their outcome. */
    long ended() {
        return ended.sum();
    }

    Map<String, Long> outcomes() {
        return snapshot(outcomes);
    }

    Map<String, Long> errors() {
        return snapshot(errors);
    }

    private static LongAdder counter(ConcurrentHashMap<String, LongAdder> map, String key) {
        LongAdder adder = map.get(key);
        return adder != null ? adder : map.computeIfAbsent(key, k -> new LongAdder());
    }

    private static Map<String, Long> snapshot(ConcurrentHashMap<String, LongAdder> map) {
        Map<String, Long> copy = new TreeMap<>();
        map.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    /** A short, stable description of an error: its innermost meaningful class and first message line. */
    static String describe(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        String message = e.getMessage();
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        if (newline >= 0) {
            message = message.substring(0, newline);
        }
        if (message.length() > 120) {
            message = message.substring(0, 117) + "...";
        }
        return e.getClass().getSimpleName() + ": " + message;
    }
}
