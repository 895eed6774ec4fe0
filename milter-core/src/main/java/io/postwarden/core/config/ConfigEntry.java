package io.postwarden.core.config;

/** One {@code key = value} assignment, with the line the key is on for error messages. */
record ConfigEntry(String key, int line, ConfigValue value) {}
