/** A declared network as plain Java values, independent of {@code javax.lang.model}: layers, ops, shapes, locations. */
package dev.netforge.processor.model;
