package dev.backendpatterns.common.testing;

/** Test servers started for a class, stopped together at its end. */
public final class Servers {
    private Servers() {
    }

    /** Closes each of {@code servers} that was started (nulls are skipped); one that fails does not stop the others. */
    public static void closeAll(AutoCloseable... servers) {
        for (AutoCloseable server : servers) {
            try {
                if (server != null) {
                    server.close();
                }
            } catch (Exception e) {
                System.err.println("could not stop a test server: " + e);
            }
        }
    }
}
