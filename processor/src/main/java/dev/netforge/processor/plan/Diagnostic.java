package dev.netforge.processor.plan;

import dev.netforge.processor.model.Location;

/** A problem in a declaration, with the place the front-end reports it on. */
public record Diagnostic(Location location, String message) {}
