package io.switchboard.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Header fields in arrival order, looked up by name without regard to case. Values are kept as they
 * arrived, without surrounding whitespace; names of common fields are given their canonical spelling.
 * Not thread-safe: a request's headers are read
 * by its handler; a response's headers are set before it is sent.
 */
public final class HttpHeaders {
    private String[] entries;
    private int size;

    /** Empty headers. */
    public HttpHeaders() {
        this(8);
    }

    HttpHeaders(int capacity) {
        entries = new String[capacity * 2];
    }

    /** {@return the number of fields (a repeated name counts once per field)} */
    public int size() {
        return size;
    }

    /**
     * The name of field {@code i}, in arrival order.
     *
     * @param i the field's index, from 0 to {@link #size()} - 1
     * @return the name
     * @throws IndexOutOfBoundsException when {@code i} is out of range
     */
    public String name(int i) {
        return entries[checkIndex(i) * 2];
    }

    /**
     * The value of field {@code i}.
     *
     * @param i the field's index, from 0 to {@link #size()} - 1
     * @return the value
     * @throws IndexOutOfBoundsException when {@code i} is out of range
     */
    public String value(int i) {
        return entries[checkIndex(i) * 2 + 1];
    }

    /**
     * The first value of {@code name}.
     *
     * @param name the field name, in any case
     * @return the value, or null when no field has that name
     */
    public String get(String name) {
        for (int i = 0; i < size; i++) {
            if (entries[i * 2].equalsIgnoreCase(name)) {
                return entries[i * 2 + 1];
            }
        }
        return null;
    }

    /**
     * Every value of {@code name}, in order.
     *
     * @param name the field name, in any case
     * @return the values; empty when no field has that name
     */
    public List<String> getAll(String name) {
        List<String> values = new ArrayList<>(2);
        for (int i = 0; i < size; i++) {
            if (entries[i * 2].equalsIgnoreCase(name)) {
                values.add(entries[i * 2 + 1]);
            }
        }
        return values;
    }

    /**
     * Number of fields named {@code name}.
     *
     * @param name the field name, in any case
     * @return the count
     */
    public int count(String name) {
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (entries[i * 2].equalsIgnoreCase(name)) {
                n++;
            }
        }
        return n;
    }

    /**
     * True when a field named {@code name} is present.
     *
     * @param name the field name, in any case
     * @return whether it is present
     */
    public boolean contains(String name) {
        return get(name) != null;
    }

    /**
     * True when a field named {@code name} holds {@code token} in its comma-separated list, ignoring case
     * ({@code Connection: keep-alive, Upgrade} contains {@code upgrade}).
     *
     * @param name  the field name, in any case
     * @param token the list element to look for, in any case
     * @return whether some field of that name lists the token
     */
    public boolean containsToken(String name, String token) {
        for (int i = 0; i < size; i++) {
            if (entries[i * 2].equalsIgnoreCase(name) && listContains(entries[i * 2 + 1], token)) {
                return true;
            }
        }
        return false;
    }

    /** {@return the distinct names, lowercased, in first-arrival order} */
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < size; i++) {
            names.add(entries[i * 2].toLowerCase(Locale.ROOT));
        }
        return names;
    }

    /**
     * Adds a field, keeping the others of the same name.
     *
     * @param name  the field name
     * @param value the field value
     * @return these headers
     * @throws NullPointerException when {@code name} or {@code value} is null
     */
    public HttpHeaders add(String name, String value) {
        if (name == null || value == null) {
            throw new NullPointerException("header name and value must not be null");
        }
        if (size * 2 == entries.length) {
            entries = Arrays.copyOf(entries, Math.max(8, entries.length * 2));
        }
        entries[size * 2] = name;
        entries[size * 2 + 1] = value;
        size++;
        return this;
    }

    /**
     * Replaces every field named {@code name} with one field.
     *
     * @param name  the field name, in any case
     * @param value the field value
     * @return these headers
     * @throws NullPointerException when {@code value} is null
     */
    public HttpHeaders set(String name, String value) {
        remove(name);
        return add(name, value);
    }

    /**
     * Removes every field named {@code name}.
     *
     * @param name the field name, in any case
     * @return these headers
     */
    public HttpHeaders remove(String name) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (!entries[i * 2].equalsIgnoreCase(name)) {
                entries[kept * 2] = entries[i * 2];
                entries[kept * 2 + 1] = entries[i * 2 + 1];
                kept++;
            }
        }
        Arrays.fill(entries, kept * 2, size * 2, null);
        size = kept;
        return this;
    }

    static boolean listContains(String list, String token) {
        int start = 0;
        int length = list.length();
        while (start <= length) {
            int comma = list.indexOf(',', start);
            int end = comma < 0 ? length : comma;
            int a = start;
            int b = end;
            while (a < b && (list.charAt(a) == ' ' || list.charAt(a) == '\t')) {
                a++;
            }
            while (b > a && (list.charAt(b - 1) == ' ' || list.charAt(b - 1) == '\t')) {
                b--;
            }
            if (b - a == token.length() && list.regionMatches(true, a, token, 0, token.length())) {
                return true;
            }
            if (comma < 0) {
                break;
            }
            start = comma + 1;
        }
        return false;
    }

    private int checkIndex(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(i);
        }
        return i;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < size; i++) {
            sb.append(i == 0 ? "" : ", ").append(entries[i * 2]).append(": ").append(entries[i * 2 + 1]);
        }
        return sb.append('}').toString();
    }
}
