// Host emulation of the CUDA C subset netforge's generated kernels use, so that the same .cu source compiles with
// g++ (-include this header) and runs on the CPU: the grid and each block's threads are loops. In kernels that
// synchronize, the threads of a block are cooperative fibers, so that __syncthreads() is a real barrier over the
// block's threads: each fiber starts through makecontext and then yields with _setjmp/_longjmp, which unlike
// swapcontext does not make a system call per switch. __shared__ storage is one static array per kernel, shared
// by the block that is running (blocks run one at a time). Every kernel gets an extern "C" entry
// `netforge_emulate_<name>(grid, block, args)` taking its arguments the way cuLaunchKernel does (an array of
// pointers to the values), generated at the end of the .cu.
//
// Blocks run in index order, and threads in index order between barriers, unless the emulator sets
// netforge_emulation_shuffle (checking mode, EmulatedDevice): then each launch runs its blocks, and each block its
// threads between two barriers, in an order drawn from that seed, as a GPU may. A kernel that reads another block's
// output, or another thread's write without a barrier between them, then gets what it would get on a GPU: a value
// not yet written.
#pragma once

#include <cmath>
#include <cstdio>
#include <csetjmp>
#include <cstdlib>
#include <ucontext.h>
#include <utility>
#include <vector>

struct uint3 {
  unsigned x, y, z;
};
struct dim3 {
  unsigned x = 1, y = 1, z = 1;
};

// Externally visible, so that the compiler reloads them after every __syncthreads() (a call into the scheduler).
extern "C" {
uint3 threadIdx, blockIdx;
dim3 blockDim, gridDim;
// The seed of the next launch's order of blocks and threads, 0 for index order; the emulator sets it per launch.
unsigned long long netforge_emulation_shuffle;
}

#define __global__
#define __device__
#define __host__
#define __shared__ static
#define __restrict__ __restrict
#define __launch_bounds__(...)

using std::exp;
using std::isnan;
using std::log;
using std::sqrt;

namespace netforge_emulation {

constexpr int kStackBytes = 64 * 1024;

struct Block {
  jmp_buf scheduler;
  jmp_buf* resume = nullptr;  // where each started fiber continues
  ucontext_t* fibers = nullptr;
  char* stacks = nullptr;
  bool* finished = nullptr;
  bool* started = nullptr;
  int* order = nullptr;  // the order threads run in, a permutation of 0..threads-1
  int threads = 0;
  int current = -1;  // the fiber running, or -1 outside fiber mode
  void (*body)(void*) = nullptr;
  void* closure = nullptr;
};

inline Block block;

// splitmix64 over the launch's seed: the draws of one launch's shuffles.
inline unsigned long long shuffle_state;

inline unsigned long long draw() {
  unsigned long long z = (shuffle_state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Fisher–Yates: a uniformly random permutation of what order holds.
template <class T>
void shuffle(T* order, unsigned long long count) {
  for (unsigned long long i = count; i > 1; --i) std::swap(order[i - 1], order[draw() % i]);
}

inline void set_thread(int t) {
  threadIdx.x = t % blockDim.x;
  threadIdx.y = t / blockDim.x % blockDim.y;
  threadIdx.z = t / (blockDim.x * blockDim.y);
}

inline void fiber_main(int t) {
  block.body(block.closure);
  block.finished[t] = true;
  _longjmp(block.scheduler, 1);
}

inline void reserve(int threads) {
  if (threads <= block.threads) return;
  std::free(block.fibers);
  std::free(block.stacks);
  std::free(block.finished);
  std::free(block.started);
  std::free(block.resume);
  std::free(block.order);
  block.order = static_cast<int*>(std::calloc(threads, sizeof(int)));
  block.resume = static_cast<jmp_buf*>(std::calloc(threads, sizeof(jmp_buf)));
  block.started = static_cast<bool*>(std::calloc(threads, sizeof(bool)));
  block.fibers = static_cast<ucontext_t*>(std::calloc(threads, sizeof(ucontext_t)));
  block.stacks = static_cast<char*>(std::malloc(static_cast<size_t>(threads) * kStackBytes));
  block.finished = static_cast<bool*>(std::calloc(threads, sizeof(bool)));
  if (!block.fibers || !block.stacks || !block.finished || !block.started || !block.resume || !block.order) {
    std::fprintf(stderr, "netforge emulation: out of memory for %d fiber stacks\n", threads);
    std::abort();
  }
  block.threads = threads;
}

// Runs one block: every thread until it finishes or reaches __syncthreads(), round after round, so no thread
// passes a barrier before all have reached it; each round in a fresh order when shuffling.
inline void run_block_with_barriers(int threads, bool shuffled) {
  for (int t = 0; t < threads; ++t) {
    getcontext(&block.fibers[t]);
    block.fibers[t].uc_stack.ss_sp = block.stacks + static_cast<size_t>(t) * kStackBytes;
    block.fibers[t].uc_stack.ss_size = kStackBytes;
    block.fibers[t].uc_link = nullptr;
    block.finished[t] = false;
    block.started[t] = false;
    makecontext(&block.fibers[t], reinterpret_cast<void (*)()>(fiber_main), 1, t);
  }
  ucontext_t unused;
  // volatile: a fiber's _longjmp back lands after the _setjmp below, where only memory values are defined.
  for (volatile int running = threads; running > 0;) {
    running = 0;
    if (shuffled) shuffle(block.order, threads);
    for (volatile int i = 0; i < threads; ++i) {
      const int t = block.order[i];
      if (block.finished[t]) continue;
      block.current = t;
      set_thread(t);
      if (!_setjmp(block.scheduler)) {
        if (block.started[t]) {
          _longjmp(block.resume[t], 1);
        }
        block.started[t] = true;
        swapcontext(&unused, &block.fibers[t]);
      }
      if (!block.finished[t]) ++running;
    }
  }
  block.current = -1;
}

// Runs one block of a kernel without barriers: its threads one after the other, in a fresh order when shuffling.
inline void run_block_without_barriers(int threads, bool shuffled) {
  if (shuffled) shuffle(block.order, threads);
  for (int i = 0; i < threads; ++i) {
    set_thread(block.order[i]);
    block.body(block.closure);
  }
}

template <class Body>
void launch(dim3 grid, dim3 threads_per_block, bool barriers, Body body) {
  gridDim = grid;
  blockDim = threads_per_block;
  const int threads = static_cast<int>(threads_per_block.x * threads_per_block.y * threads_per_block.z);
  reserve(threads);
  block.body = [](void* closure) { (*static_cast<Body*>(closure))(); };
  block.closure = &body;
  for (int t = 0; t < threads; ++t) block.order[t] = t;
  const bool shuffled = netforge_emulation_shuffle != 0;
  shuffle_state = netforge_emulation_shuffle;
  // Blocks by linear index, x fastest; when shuffling, in the order of a shuffled list of those indices.
  const unsigned long long blocks = static_cast<unsigned long long>(grid.x) * grid.y * grid.z;
  std::vector<unsigned long long> block_order;
  if (shuffled) {
    block_order.resize(blocks);
    for (unsigned long long b = 0; b < blocks; ++b) block_order[b] = b;
    shuffle(block_order.data(), blocks);
  }
  for (unsigned long long i = 0; i < blocks; ++i) {
    const unsigned long long b = shuffled ? block_order[i] : i;
    blockIdx = {static_cast<unsigned>(b % grid.x), static_cast<unsigned>(b / grid.x % grid.y),
                static_cast<unsigned>(b / grid.x / grid.y)};
    if (barriers) {
      run_block_with_barriers(threads, shuffled);
    } else {
      run_block_without_barriers(threads, shuffled);
    }
  }
}

}  // namespace netforge_emulation

inline void __syncthreads() {
  using netforge_emulation::block;
  if (block.current < 0) {
    std::fprintf(stderr, "netforge emulation: __syncthreads() in a kernel launched without barriers\n");
    std::abort();
  }
  if (!_setjmp(block.resume[block.current])) _longjmp(block.scheduler, 1);
}
