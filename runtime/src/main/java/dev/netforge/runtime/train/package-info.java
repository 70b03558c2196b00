/** Training: the paper's SGD update, learning-rate schedules, evaluation, checkpoints and the epoch loop. */
package dev.netforge.runtime.train;
