/**
 * Printers of one lowered schedule: the Java CPU class (JavaPoet), the CUDA launcher and kernels, and the shared
 * human-readable descriptions. They decide no buffer, exchange or mask draw: those are the schedule's steps.
 */
package dev.netforge.processor.emit;
