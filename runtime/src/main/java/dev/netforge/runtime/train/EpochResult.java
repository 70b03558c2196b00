package dev.netforge.runtime.train;

/**
 * One epoch's figures.
 *
 * @param trainLoss mean training loss over the epoch (with dropout)
 * @param trainAccuracy training top-1 over the epoch
 * @param test the evaluation on the test set
 * @param learningRate the rate of this epoch's first step (a per-step schedule changes it within the epoch)
 * @param lastLearningRate the rate of this epoch's last step (the first's where the schedule holds it for the epoch)
 * @param seconds wall time of the epoch's training steps
 */
public record EpochResult(int epoch, double trainLoss, double trainAccuracy, Evaluation test, double learningRate, double lastLearningRate,
    double seconds,
    double imagesPerSecond) {}
