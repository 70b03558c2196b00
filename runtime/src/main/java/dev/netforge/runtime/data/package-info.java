/** Labelled image sets (the IDX format of MNIST and Fashion-MNIST), normalization and batching with augmentation. */
package dev.netforge.runtime.data;
