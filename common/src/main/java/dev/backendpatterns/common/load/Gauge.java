package dev.backendpatterns.common.load;

import java.util.function.LongSupplier;

/** A value sampled once per interval into the run's time series (a backlog, a consumer lag, a pending count). */
public record Gauge(String name, LongSupplier value) {
    public Gauge {
        if (name == null || name.isBlank() || value == null) {
            throw new IllegalArgumentException("a gauge needs a name and a value");
        }
    }
}
