// The JNI side of dev.netforge.runtime.cuda.HostEmulator: host memory standing in for device memory, and calls
// into the kernels of a network's .cu compiled for the host (see cuda_emulation.h). Pointers cross as jlong.
#include <dlfcn.h>
#include <jni.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef void (*emulated_kernel)(const unsigned* grid, const unsigned* block, void** args);

static void* address(jlong value) { return (void*)(intptr_t)value; }

JNIEXPORT jlong JNICALL Java_dev_netforge_runtime_cuda_HostEmulator_allocate(JNIEnv* env, jclass type, jlong bytes) {
  return (jlong)(intptr_t)calloc(1, (size_t)bytes);
}

JNIEXPORT void JNICALL Java_dev_netforge_runtime_cuda_HostEmulator_free(JNIEnv* env, jclass type, jlong pointer) {
  free(address(pointer));
}

// Quiet NaN in every 4-byte word: memory the engine declares written before read, in checking mode.
JNIEXPORT void JNICALL Java_dev_netforge_runtime_cuda_HostEmulator_fillNaN(JNIEnv* env, jclass type, jlong dst,
                                                                           jlong bytes) {
  const uint32_t nan = 0x7fc00000u;
  uint32_t* words = (uint32_t*)address(dst);
  for (jlong i = 0; i < bytes / 4; i++) {
    words[i] = nan;
  }
}

JNIEXPORT void JNICALL Java_dev_netforge_runtime_cuda_HostEmulator_writeFloats(JNIEnv* env, jclass type, jlong dst,
                                                                               jfloatArray src, jint from, jint count) {
  (*env)->GetFloatArrayRegion(env, src, from, count, (jfloat*)address(dst));
}

JNIEXPORT void JNICALL Java_dev_netforge_runtime_cuda_HostEmulator_writeInts(JNIEnv* env, jclass type, jlong dst,
                                                                             jintArray src, jint from, jint count) {
  (*env)->GetIntArrayRegion(env, src, from, count, (jint*)address(dst));
}

JNIEXPORT void JNICALL Java_dev_netforge_runtime_cuda_HostEmulator_readFloats(JNIEnv* env, jclass type, jlong src,
                                                                              jfloatArray dst, jint from, jint count) {
  (*env)->SetFloatArrayRegion(env, dst, from, count, (const jfloat*)address(src));
}

JNIEXPORT void JNICALL Java_dev_netforge_runtime_cuda_HostEmulator_copyRows(JNIEnv* env, jclass type, jlong dst,
                                                                            jlong dstPitch, jlong src, jlong srcPitch,
                                                                            jlong width, jlong rows) {
  for (jlong r = 0; r < rows; r++) {
    memcpy((char*)address(dst) + r * dstPitch, (const char*)address(src) + r * srcPitch, (size_t)width);
  }
}

JNIEXPORT jlong JNICALL Java_dev_netforge_runtime_cuda_HostEmulator_open(JNIEnv* env, jclass type, jstring path) {
  const char* chars = (*env)->GetStringUTFChars(env, path, NULL);
  void* library = dlopen(chars, RTLD_NOW | RTLD_LOCAL);
  (*env)->ReleaseStringUTFChars(env, path, chars);
  return (jlong)(intptr_t)library;
}

JNIEXPORT jstring JNICALL Java_dev_netforge_runtime_cuda_HostEmulator_lastError(JNIEnv* env, jclass type) {
  const char* error = dlerror();
  return (*env)->NewStringUTF(env, error == NULL ? "unknown error" : error);
}

JNIEXPORT jlong JNICALL Java_dev_netforge_runtime_cuda_HostEmulator_symbol(JNIEnv* env, jclass type, jlong library,
                                                                          jstring name) {
  const char* chars = (*env)->GetStringUTFChars(env, name, NULL);
  void* symbol = dlsym(address(library), chars);
  (*env)->ReleaseStringUTFChars(env, name, chars);
  return (jlong)(intptr_t)symbol;
}

// args holds one 8-byte slot per kernel argument: a device address, or an int or float in the low bytes, which is
// what a pointer to the slot reads as on a little-endian host (the same convention as cuLaunchKernel's params).
// shuffle is the module's netforge_emulation_shuffle, set to seed for this launch (see cuda_emulation.h).
JNIEXPORT void JNICALL Java_dev_netforge_runtime_cuda_HostEmulator_launch(JNIEnv* env, jclass type, jlong kernel,
                                                                          jlong shuffle, jlong seed, jintArray dims,
                                                                          jlongArray args) {
  jint d[6];
  (*env)->GetIntArrayRegion(env, dims, 0, 6, d);
  unsigned grid[3] = {(unsigned)d[0], (unsigned)d[1], (unsigned)d[2]};
  unsigned block[3] = {(unsigned)d[3], (unsigned)d[4], (unsigned)d[5]};
  jsize count = (*env)->GetArrayLength(env, args);
  jlong slots[64];
  void* pointers[64];
  if (count > 64) {
    (*env)->ThrowNew(env, (*env)->FindClass(env, "java/lang/IllegalArgumentException"), "more than 64 kernel arguments");
    return;
  }
  (*env)->GetLongArrayRegion(env, args, 0, count, slots);
  for (jsize i = 0; i < count; i++) {
    pointers[i] = &slots[i];
  }
  *(unsigned long long*)address(shuffle) = (unsigned long long)seed;
  ((emulated_kernel)address(kernel))(grid, block, pointers);
}
