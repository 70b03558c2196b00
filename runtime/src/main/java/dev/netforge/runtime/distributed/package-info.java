/**
 * Data parallelism across processes: the {@link dev.netforge.runtime.distributed.Communicator} training sums
 * gradients through, {@link dev.netforge.runtime.distributed.SingleProcess} for a run of one, and
 * {@link dev.netforge.runtime.distributed.BatchShare}, which part of every global batch a process computes. The MPI
 * binding that implements the communicator for many processes is the separate artifact {@code netforge-mpi}.
 */
package dev.netforge.runtime.distributed;
