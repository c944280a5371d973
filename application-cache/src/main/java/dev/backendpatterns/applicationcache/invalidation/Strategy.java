package dev.backendpatterns.applicationcache.invalidation;

import dev.backendpatterns.common.cli.EnumNames;
import java.util.Locale;

/**
 * How a write keeps the cache in step with the store. Each one closes some of the two ways a cache-aside reader can
 * serve stale data, and leaves others open:
 * <ul>
 *   <li>a <b>failure</b> between the store write and the cache step (the process dies, the cache call fails), and</li>
 *   <li>the <b>race</b> of a reader that missed, read the old value from the store before a write, and fills the cache
 *   with it after the write's cache step.</li>
 * </ul>
 */
enum Strategy {
    /** Write the store, then set the cache: open to the failure (old value stays) and the race. */
    NONE("write the store, then set the cache"),
    /** The reference's fix: delete the entry, then write the store. The failure cannot hurt; the race stays open. */
    INVALIDATE("delete the entry, then write the store"),
    /** Write the store, then delete the entry: open to the failure; the race is narrower but stays open. */
    DELETE_AFTER("write the store, then delete the entry"),
    /** Delete, write the store, delete again after a delay: the second delete clears most races, unless it fails. */
    DOUBLE_DELETE("delete, write the store, delete again after a delay"),
    /**
     * Mark the entry with the write's version, write the store, then set the value of that version; fills replace
     * only an older version, atomically in Lua. Neither the failure nor the race can put an older version in.
     */
    VERSIONED("mark the entry with the new version, write the store, set that version; fills never go back a version"),
    /**
     * Memcache's leases: a reader that misses takes a lease, and its fill needs it still valid; a write (store, then
     * delete the entry and its lease) voids it. Closes the race; open to the failure.
     */
    LEASE("write the store, then delete the entry and its lease; a fill needs a valid lease");

    private final String description;

    Strategy(String description) {
        this.description = description;
    }

    String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    String description() {
        return description;
    }

    static Strategy parse(String name) {
        return EnumNames.parse(Strategy.class, name, Strategy::id, "strategy");
    }

    @Override
    public String toString() {
        return id();
    }
}
