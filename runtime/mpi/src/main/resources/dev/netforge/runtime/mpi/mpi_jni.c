/*
 * netforge-mpi's JNI shim: the few MPI calls data-parallel training makes, on MPI_COMM_WORLD, for
 * dev.netforge.runtime.mpi.Mpi. Built with mpicc on first use and cached (KernelCache). Errors come back as
 * MpiException with MPI's own text (the communicator's error handler is MPI_ERRORS_RETURN).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <jni.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The JVM loads this library with RTLD_LOCAL, so libmpi's symbols are invisible to the plugins Open MPI dlopens
 * later (they are not linked against libmpi), and MPI_Init fails in them. Opening libmpi again, by the path it was
 * loaded from, with RTLD_GLOBAL makes its symbols global before any plugin loads.
 */
JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved) {
  (void)vm;
  (void)reserved;
  Dl_info info;
  if (dladdr((void *)&MPI_Init_thread, &info) == 0 || info.dli_fname == NULL ||
      dlopen(info.dli_fname, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD) == NULL) {
    fprintf(stderr, "netforge-mpi: cannot make libmpi's symbols global: %s\n", dlerror());
  }
  return JNI_VERSION_1_8;
}

static void throwMpi(JNIEnv *env, const char *call, int code) {
  char text[MPI_MAX_ERROR_STRING + 128];
  char reason[MPI_MAX_ERROR_STRING];
  int length = 0;
  if (MPI_Error_string(code, reason, &length) != MPI_SUCCESS) {
    snprintf(reason, sizeof reason, "error %d", code);
  }
  snprintf(text, sizeof text, "%s failed: %s", call, reason);
  jclass type = (*env)->FindClass(env, "dev/netforge/runtime/mpi/MpiException");
  if (type != NULL) {
    (*env)->ThrowNew(env, type, text);
  }
}

/* Returns the thread level MPI provides. */
JNIEXPORT jint JNICALL Java_dev_netforge_runtime_mpi_Mpi_initialize(JNIEnv *env, jclass type, jint required) {
  (void)type;
  int provided = 0;
  int code = MPI_Init_thread(NULL, NULL, required, &provided);
  if (code != MPI_SUCCESS) {
    throwMpi(env, "MPI_Init_thread", code);
    return -1;
  }
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  return provided;
}

JNIEXPORT jint JNICALL Java_dev_netforge_runtime_mpi_Mpi_commRank(JNIEnv *env, jclass type) {
  (void)type;
  int rank = -1;
  int code = MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (code != MPI_SUCCESS) {
    throwMpi(env, "MPI_Comm_rank", code);
  }
  return rank;
}

JNIEXPORT jint JNICALL Java_dev_netforge_runtime_mpi_Mpi_commSize(JNIEnv *env, jclass type) {
  (void)type;
  int size = -1;
  int code = MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (code != MPI_SUCCESS) {
    throwMpi(env, "MPI_Comm_size", code);
  }
  return size;
}

/*
 * Blocking sums work on the Java array itself (a critical region: no copy, and the collectives take milliseconds to
 * a fraction of a second, during which this thread holds off the garbage collector).
 */
static void sumInPlace(JNIEnv *env, jarray array, jint offset, jint count, MPI_Datatype datatype, size_t width) {
  char *data = (*env)->GetPrimitiveArrayCritical(env, array, NULL);
  if (data == NULL) {
    return; /* OutOfMemoryError pending */
  }
  int code = MPI_Allreduce(MPI_IN_PLACE, data + (size_t)offset * width, count, datatype, MPI_SUM, MPI_COMM_WORLD);
  (*env)->ReleasePrimitiveArrayCritical(env, array, data, 0);
  if (code != MPI_SUCCESS) {
    throwMpi(env, "MPI_Allreduce", code);
  }
}

JNIEXPORT void JNICALL Java_dev_netforge_runtime_mpi_Mpi_sumFloats(JNIEnv *env, jclass type, jfloatArray data, jint offset, jint count) {
  (void)type;
  sumInPlace(env, data, offset, count, MPI_FLOAT, sizeof(jfloat));
}

JNIEXPORT void JNICALL Java_dev_netforge_runtime_mpi_Mpi_sumDoubles(JNIEnv *env, jclass type, jdoubleArray data, jint offset, jint count) {
  (void)type;
  sumInPlace(env, data, offset, count, MPI_DOUBLE, sizeof(jdouble));
}

JNIEXPORT void JNICALL Java_dev_netforge_runtime_mpi_Mpi_sumLongs(JNIEnv *env, jclass type, jlongArray data, jint offset, jint count) {
  (void)type;
  sumInPlace(env, data, offset, count, MPI_INT64_T, sizeof(jlong));
}

/*
 * A non-blocking sum cannot hold a critical region while the caller computes, and the collector may move the Java
 * array meanwhile: it runs on a native copy of the range, written back by finishSum.
 */
typedef struct {
  MPI_Request request;
  jfloatArray array;
  jint offset;
  jint count;
  jfloat values[];
} PendingSum;

JNIEXPORT jlong JNICALL Java_dev_netforge_runtime_mpi_Mpi_startSumFloats(JNIEnv *env, jclass type, jfloatArray data, jint offset, jint count) {
  (void)type;
  PendingSum *sum = malloc(sizeof(PendingSum) + (size_t)count * sizeof(jfloat));
  if (sum == NULL) {
    jclass oom = (*env)->FindClass(env, "java/lang/OutOfMemoryError");
    (*env)->ThrowNew(env, oom, "netforge-mpi: no native memory for a non-blocking sum");
    return 0;
  }
  (*env)->GetFloatArrayRegion(env, data, offset, count, sum->values);
  int code = MPI_Iallreduce(MPI_IN_PLACE, sum->values, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD, &sum->request);
  if (code != MPI_SUCCESS) {
    free(sum);
    throwMpi(env, "MPI_Iallreduce", code);
    return 0;
  }
  sum->array = (*env)->NewGlobalRef(env, data);
  sum->offset = offset;
  sum->count = count;
  return (jlong)(intptr_t)sum;
}

/* Lets MPI move a pending sum along (Open MPI progresses non-blocking collectives only inside MPI calls). */
JNIEXPORT jboolean JNICALL Java_dev_netforge_runtime_mpi_Mpi_testSum(JNIEnv *env, jclass type, jlong handle) {
  (void)type;
  PendingSum *sum = (PendingSum *)(intptr_t)handle;
  int done = 0;
  int code = MPI_Test(&sum->request, &done, MPI_STATUS_IGNORE);
  if (code != MPI_SUCCESS) {
    throwMpi(env, "MPI_Test", code);
  }
  return done ? JNI_TRUE : JNI_FALSE;
}

JNIEXPORT void JNICALL Java_dev_netforge_runtime_mpi_Mpi_finishSum(JNIEnv *env, jclass type, jlong handle) {
  (void)type;
  PendingSum *sum = (PendingSum *)(intptr_t)handle;
  int code = MPI_Wait(&sum->request, MPI_STATUS_IGNORE);
  if (code == MPI_SUCCESS) {
    (*env)->SetFloatArrayRegion(env, sum->array, sum->offset, sum->count, sum->values);
  }
  (*env)->DeleteGlobalRef(env, sum->array);
  free(sum);
  if (code != MPI_SUCCESS) {
    throwMpi(env, "MPI_Wait", code);
  }
}

JNIEXPORT void JNICALL Java_dev_netforge_runtime_mpi_Mpi_broadcastLongs(JNIEnv *env, jclass type, jlongArray data, jint offset, jint count, jint root) {
  (void)type;
  jlong *values = (*env)->GetPrimitiveArrayCritical(env, data, NULL);
  if (values == NULL) {
    return;
  }
  int code = MPI_Bcast(values + offset, count, MPI_INT64_T, root, MPI_COMM_WORLD);
  (*env)->ReleasePrimitiveArrayCritical(env, data, values, 0);
  if (code != MPI_SUCCESS) {
    throwMpi(env, "MPI_Bcast", code);
  }
}

JNIEXPORT void JNICALL Java_dev_netforge_runtime_mpi_Mpi_barrier0(JNIEnv *env, jclass type) {
  (void)type;
  int code = MPI_Barrier(MPI_COMM_WORLD);
  if (code != MPI_SUCCESS) {
    throwMpi(env, "MPI_Barrier", code);
  }
}

JNIEXPORT void JNICALL Java_dev_netforge_runtime_mpi_Mpi_abort0(JNIEnv *env, jclass type, jint exitCode) {
  (void)env;
  (void)type;
  fflush(stdout);
  fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, exitCode);
  exit(exitCode); /* MPI_Abort should not return; if it does, this process still ends */
}

JNIEXPORT void JNICALL Java_dev_netforge_runtime_mpi_Mpi_finish(JNIEnv *env, jclass type) {
  (void)type;
  int code = MPI_Finalize();
  if (code != MPI_SUCCESS) {
    throwMpi(env, "MPI_Finalize", code);
  }
}
