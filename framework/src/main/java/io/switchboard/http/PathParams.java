package io.switchboard.http;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The path of a request that a route with parameters matched, and their values. Made by the router on the loop
 * before the handler runs, then only read (the map view is made at the first call, the same whichever thread
 * makes it).
 */
final class PathParams {
    final String path;
    /** The route's names, shared by all its matches: which route made these values. */
    final String[] names;
    private final String[] values;
    private Map<String, String> map;

    PathParams(String path, String[] names, String[] values) {
        this.path = path;
        this.names = names;
        this.values = values;
    }

    String get(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return values[i];
            }
        }
        return null;
    }

    Map<String, String> asMap() {
        Map<String, String> m = map;
        if (m == null) {
            Map<String, String> all = new LinkedHashMap<>();
            for (int i = 0; i < names.length; i++) {
                all.put(names[i], values[i]);
            }
            map = m = Collections.unmodifiableMap(all);
        }
        return m;
    }
}
