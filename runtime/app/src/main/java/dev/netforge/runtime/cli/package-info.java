/** The netforge command line (picocli): summary, forward, gradients, train, eval, bench. */
package dev.netforge.runtime.cli;
