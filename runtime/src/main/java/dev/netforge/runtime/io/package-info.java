/** Safetensors files (weights, checkpoints, tensors for the command line), read with every header field validated. */
package dev.netforge.runtime.io;
