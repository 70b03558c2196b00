/** Writers of generated code from a plan: the Java CPU class (JavaPoet) and the shared human-readable descriptions. */
package dev.netforge.processor.emit;
