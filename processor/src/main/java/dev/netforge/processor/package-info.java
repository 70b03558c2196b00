/**
 * The netforge annotation processor's front-end: {@link dev.netforge.processor.Reader} turns a {@code @Network}
 * interface into the compiler-free model, {@link dev.netforge.processor.Reporter} puts each planner diagnostic on the
 * exact element, annotation and value, and {@link dev.netforge.processor.NetforgeProcessor} ties them to the
 * planner and the emitters.
 */
package dev.netforge.processor;
