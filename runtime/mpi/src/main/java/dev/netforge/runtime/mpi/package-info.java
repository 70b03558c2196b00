/**
 * Open MPI for netforge's data-parallel training: {@link dev.netforge.runtime.mpi.Mpi} implements the runtime's
 * {@link dev.netforge.runtime.distributed.Communicator} on {@code MPI_COMM_WORLD}.
 *
 * <p>Why a JNI shim of our own rather than Open MPI's Java bindings: Debian's {@code libopenmpi-dev} ships the
 * bindings' native half ({@code libmpi_java.so}) but not their classes ({@code mpi.jar}), and neither is on Maven
 * Central, so a user would have to build Open MPI with {@code --enable-mpi-java} to get them. The shim is the handful
 * of calls training makes (init, rank, size, in-place all-reduce of float, double and long ranges, blocking and
 * non-blocking, broadcast, barrier, abort, finalize) in one C file, compiled with the system's {@code mpicc} on first
 * use and cached like the CUDA host emulator's library, so it always matches the MPI that {@code mpirun} launches.
 * Blocking sums work on the Java array in place (a JNI critical region); a non-blocking sum works on a native copy of
 * its range, since the collector may move the array while the caller computes.
 *
 * <p>A JVM loads JNI libraries with {@code RTLD_LOCAL}, which hides libmpi's symbols from the plugins Open MPI loads
 * in {@code MPI_Init}; the shim's {@code JNI_OnLoad} reopens libmpi with {@code RTLD_GLOBAL} first.
 */
package dev.netforge.runtime.mpi;
