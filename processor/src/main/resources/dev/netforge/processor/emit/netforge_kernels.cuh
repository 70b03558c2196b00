// ---------------------------------------------------------------------------------------------------------------
// netforge kernel library: the templates every generated network instantiates with its shapes baked in as
// constants. Layouts are the CPU engine's (NCHW, PyTorch parameter layouts); each fused stage below is the CUDA
// twin of a runtime class in dev.netforge.runtime.nn. Nothing here uses floating-point atomics: every output
// element is written by exactly one thread, so the same input gives the same bits.
// ---------------------------------------------------------------------------------------------------------------
namespace netforge {

constexpr int TILE = 64;          // rows and columns of the output tile one GEMM block computes
constexpr int TILE_K = 16;        // reduction depth staged through shared memory per step
constexpr int GEMM_THREADS = 256; // 16 × 16 threads, each accumulating a 4 × 4 block of the tile
constexpr int EW_THREADS = 256;   // threads per block of the element-wise and reduction kernels

// One TILE × TILE tile of C = A·B starting at row m0, column n0. G supplies the operands and the epilogue:
// g.M, g.N, g.K, g.a(m, k), g.b(k, n) and g.store(m, n, sum). Loads outside [M, N, K] read as zero, so the
// gathers (im2col inside g.b, for instance) only ever see valid indices.
template <class G>
__device__ void gemm_tile(const G& g, int m0, int n0) {
  // A row of TILE + 1: the stores below walk kk fastest, which at a row of TILE (a multiple of the 32 banks) would
  // put 16 threads of a warp on one bank.
  __shared__ float a_tile[TILE_K][TILE + 1];
  __shared__ float b_tile[TILE_K][TILE];
  const int tx = threadIdx.x % 16;
  const int ty = threadIdx.x / 16;
  float acc[4][4] = {};
  for (int k0 = 0; k0 < g.K; k0 += TILE_K) {
    // A is stored with k fastest (weight rows), so consecutive threads walk k.
    for (int i = threadIdx.x; i < TILE_K * TILE; i += GEMM_THREADS) {
      const int kk = i % TILE_K, mm = i / TILE_K;
      const int m = m0 + mm, k = k0 + kk;
      a_tile[kk][mm] = (m < g.M && k < g.K) ? g.a(m, k) : 0.0f;
    }
    // B is stored with n fastest (positions, features), so consecutive threads walk n.
    for (int i = threadIdx.x; i < TILE_K * TILE; i += GEMM_THREADS) {
      const int kk = i / TILE, nn = i % TILE;
      const int n = n0 + nn, k = k0 + kk;
      b_tile[kk][nn] = (n < g.N && k < g.K) ? g.b(k, n) : 0.0f;
    }
    __syncthreads();
    for (int kk = 0; kk < TILE_K; ++kk) {
      float a[4], b[4];
      for (int i = 0; i < 4; ++i) a[i] = a_tile[kk][ty + 16 * i];
      for (int j = 0; j < 4; ++j) b[j] = b_tile[kk][tx + 16 * j];
      for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j) acc[i][j] += a[i] * b[j];
    }
    __syncthreads();
  }
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 4; ++j) {
      const int m = m0 + ty + 16 * i, n = n0 + tx + 16 * j;
      if (m < g.M && n < g.N) g.store(m, n, acc[i][j]);
    }
  }
}

// Sum of one value per thread over the block, returned to thread 0 (a fixed tree: deterministic).
__device__ float block_sum(float value) {
  __shared__ float partial[EW_THREADS];
  partial[threadIdx.x] = value;
  __syncthreads();
  for (int half = EW_THREADS / 2; half > 0; half /= 2) {
    if ((int)threadIdx.x < half) partial[threadIdx.x] += partial[threadIdx.x + half];
    __syncthreads();
  }
  return partial[0];
}

// The stage's epilogue: bias, then ReLU, then the dropout multiplier (null at test time).
template <bool RELU>
__device__ float epilogue(float sum, float bias, const float* mask, long long at) {
  float v = sum + bias;
  if (RELU) v = v > 0.0f ? v : 0.0f;
  if (mask) v *= mask[at];
  return v;
}

// ∂loss/∂(pre-activation) from ∂loss/∂output: the ReLU derivative (read off the stored output) and the mask.
template <bool RELU>
__device__ float pre_activation_grad(float dy, float y, const float* mask, long long at) {
  if (RELU && y <= 0.0f) return 0.0f;
  return mask ? dy * mask[at] : dy;
}

// ---- Convolution as implicit GEMM. S names the shapes and the tower's filters: SLICES runs of SLICE filters
// starting at FIRST, each run inside one group (its inputs are GROUP_IN channels from the group's first).

// Patch element k (channel, kernel row, kernel column) of output position p, gathered from image x.
template <class S>
__device__ float patch(const float* x, int c0, int k, int p) {
  constexpr int KK = S::KERNEL * S::KERNEL;
  const int c = c0 + k / KK, r = k % KK;
  const int ih = (p / S::OUT_W) * S::STRIDE - S::PAD + r / S::KERNEL;
  const int iw = (p % S::OUT_W) * S::STRIDE - S::PAD + r % S::KERNEL;
  if (ih < 0 || ih >= S::IN_H || iw < 0 || iw >= S::IN_W) return 0.0f;
  return x[((long long)c * S::IN_H + ih) * S::IN_W + iw];
}

template <class S>
struct Conv {
  static constexpr int FAN_IN = S::GROUP_IN * S::KERNEL * S::KERNEL;
  static constexpr int IN_SIZE = S::IN_C * S::IN_H * S::IN_W;
  static constexpr int PLANE = S::OUT_H * S::OUT_W;
  static constexpr int OUT_SIZE = S::OUT_C * PLANE;
  static constexpr int FILTER_TILES = (S::SLICE + TILE - 1) / TILE;
  // The run of filters blockIdx.y falls in, its first filter, and its group's first input channel.
  __device__ static int run_filter() { return S::FIRST + (blockIdx.y / FILTER_TILES) * S::SLICE; }
  __device__ static int group_channel(int f0) { return f0 / S::GROUP_OUT * S::GROUP_IN; }
};

// y[n, f, p] = epilogue(Σ_k w[f, k] · patch(n, k, p) + bias[f]); grid (⌈P/64⌉, SLICES·⌈SLICE/64⌉, batch).
template <class S>
struct ConvForward {
  const float* x; const float* w; const float* bias; const float* mask; float* y;
  int f0, c0, M, N, K;
  __device__ float a(int m, int k) const { return w[(long long)(f0 + m) * Conv<S>::FAN_IN + k]; }
  __device__ float b(int k, int p) const { return patch<S>(x, c0, k, p); }
  __device__ void store(int m, int p, float sum) const {
    const long long at = (long long)(f0 + m) * Conv<S>::PLANE + p;
    y[at] = epilogue<S::RELU>(sum, bias[f0 + m], mask, at);
  }
};

template <class S>
__device__ void conv_forward(const float* x, const float* w, const float* bias, const float* mask, float* y) {
  const long long n = blockIdx.z;
  const int f0 = Conv<S>::run_filter();
  const ConvForward<S> g{x + n * Conv<S>::IN_SIZE, w, bias, mask ? mask + n * Conv<S>::OUT_SIZE : nullptr,
                         y + n * Conv<S>::OUT_SIZE, f0, Conv<S>::group_channel(f0), S::SLICE, Conv<S>::PLANE,
                         Conv<S>::FAN_IN};
  gemm_tile(g, (blockIdx.y % Conv<S>::FILTER_TILES) * TILE, blockIdx.x * TILE);
}

// One block per filter of the tower: ∂y becomes ∂z in place (ReLU derivative and mask) and its sum over the batch
// and positions is ∂bias. Serves dense layers too (OUT_H = OUT_W = 1). Grid (SLICES·SLICE).
template <class S>
__device__ void bias_backward(const float* y, const float* mask, float* dy, float* dbias, int batch) {
  constexpr int PLANE = S::OUT_H * S::OUT_W;
  const int f = S::FIRST + blockIdx.x;
  float sum = 0.0f;
  for (long long i = threadIdx.x; i < (long long)batch * PLANE; i += EW_THREADS) {
    const long long at = ((i / PLANE) * S::OUT_C + f) * PLANE + i % PLANE;
    const float dz = pre_activation_grad<S::RELU>(dy[at], y[at], mask, at);
    dy[at] = dz;
    sum += dz;
  }
  sum = block_sum(sum);
  if (threadIdx.x == 0) dbias[f] = sum;
}

// ∂w[f, k] = Σ_n Σ_p ∂z[n, f, p] · patch(n, k, p), split over the batch: block z reduces its chunk of examples
// (batch × positions would otherwise run serially through a handful of blocks: conv1's 6 per tower) into its own
// partial copy of the weight gradient, and conv_weight_grad_sum adds the chunks in order - no atomics, the same
// result for every schedule of the blocks. Grid (⌈FAN_IN/64⌉, SLICES·⌈SLICE/64⌉, chunks).
template <class S>
struct ConvWeightGrad {
  const float* x; const float* dz; float* partial;
  int f0, c0, n0, M, N, K;
  __device__ float a(int m, int k) const {
    const long long n = n0 + k / Conv<S>::PLANE;
    return dz[(n * S::OUT_C + f0 + m) * Conv<S>::PLANE + k % Conv<S>::PLANE];
  }
  __device__ float b(int k, int j) const {
    const long long n = n0 + k / Conv<S>::PLANE;
    return patch<S>(x + n * Conv<S>::IN_SIZE, c0, j, k % Conv<S>::PLANE);
  }
  __device__ void store(int m, int j, float sum) const { partial[(long long)(f0 + m) * Conv<S>::FAN_IN + j] = sum; }
};

// dw is the weight gradient itself when the grid has one chunk, else the partial copies, one per chunk.
template <class S>
__device__ void conv_backward_weight(const float* x, const float* dz, float* dw, int batch) {
  const int f0 = Conv<S>::run_filter();
  const int per_chunk = (batch + gridDim.z - 1) / gridDim.z;
  const int n0 = blockIdx.z * per_chunk;
  const int examples = n0 >= batch ? 0 : (batch - n0 < per_chunk ? batch - n0 : per_chunk);
  const ConvWeightGrad<S> g{x, dz, dw + (long long)blockIdx.z * S::OUT_C * Conv<S>::FAN_IN, f0, Conv<S>::group_channel(f0), n0,
                            S::SLICE, Conv<S>::FAN_IN, examples * Conv<S>::PLANE};
  gemm_tile(g, (blockIdx.y % Conv<S>::FILTER_TILES) * TILE, blockIdx.x * TILE);
}

// ∂w of the tower's filters: the chunks' partial sums added in chunk order. One thread per weight.
template <class S>
__device__ void conv_weight_grad_sum(const float* partial, float* dw, int chunks) {
  constexpr long long SIZE = (long long)S::SLICE * S::SLICES * Conv<S>::FAN_IN;
  const long long i = (long long)blockIdx.x * EW_THREADS + threadIdx.x;
  if (i >= SIZE) return;
  const long long at = (long long)S::FIRST * Conv<S>::FAN_IN + i;
  float sum = 0.0f;
  for (int z = 0; z < chunks; ++z) sum += partial[(long long)z * S::OUT_C * Conv<S>::FAN_IN + at];
  dw[at] = sum;
}

// ∂x[n, c, q] = Σ_f Σ_(kh,kw) w[f, c, kh, kw] · ∂z[n, f, (q + pad − (kh,kw)) / stride] over the run's filters,
// without an im2col buffer: B gathers ∂z at the output position each (input position, kernel offset) came from.
// Grid (⌈IN_H·IN_W/64⌉, SLICES·⌈GROUP_IN/64⌉, batch). When a run is part of a group (groups < towers) this is the
// tower's partial sum, reduced across towers by the exchange.
template <class S>
struct ConvDataGrad {
  static constexpr int KK = S::KERNEL * S::KERNEL;
  const float* w; const float* dz; float* dx;
  int f0, c0, M, N, K;
  __device__ float a(int c, int k) const { return w[((long long)(f0 + k / KK) * S::GROUP_IN + c) * KK + k % KK]; }
  __device__ float b(int k, int q) const {
    const int r = k % KK;
    const int th = q / S::IN_W + S::PAD - r / S::KERNEL, tw = q % S::IN_W + S::PAD - r % S::KERNEL;
    if (th < 0 || tw < 0 || th % S::STRIDE != 0 || tw % S::STRIDE != 0) return 0.0f;
    const int oh = th / S::STRIDE, ow = tw / S::STRIDE;
    if (oh >= S::OUT_H || ow >= S::OUT_W) return 0.0f;
    return dz[(long long)(f0 + k / KK) * Conv<S>::PLANE + oh * S::OUT_W + ow];
  }
  __device__ void store(int c, int q, float sum) const { dx[(long long)(c0 + c) * S::IN_H * S::IN_W + q] = sum; }
};

template <class S>
__device__ void conv_backward_data(const float* w, const float* dz, float* dx) {
  constexpr int CHANNEL_TILES = (S::GROUP_IN + TILE - 1) / TILE;
  const long long n = blockIdx.z;
  const int f0 = S::FIRST + (blockIdx.y / CHANNEL_TILES) * S::SLICE;
  const ConvDataGrad<S> g{w, dz + n * Conv<S>::OUT_SIZE, dx + n * Conv<S>::IN_SIZE, f0, Conv<S>::group_channel(f0),
                          S::GROUP_IN, S::IN_H * S::IN_W, S::SLICE * ConvDataGrad<S>::KK};
  gemm_tile(g, (blockIdx.y % CHANNEL_TILES) * TILE, blockIdx.x * TILE);
}

// ---- Dense layers: GEMMs over the batch. S: IN features, OUT_C units, the tower's SLICE units from FIRST.

// y[n, f] = epilogue(Σ_i w[f, i] · x[n, i] + bias[f]); grid (⌈batch/64⌉, ⌈SLICE/64⌉).
template <class S>
struct DenseForward {
  const float* x; const float* w; const float* bias; const float* mask; float* y;
  int M, N, K;
  __device__ float a(int m, int i) const { return w[(long long)(S::FIRST + m) * S::IN + i]; }
  __device__ float b(int i, int n) const { return x[(long long)n * S::IN + i]; }
  __device__ void store(int m, int n, float sum) const {
    const long long at = (long long)n * S::OUT_C + S::FIRST + m;
    y[at] = epilogue<S::RELU>(sum, bias[S::FIRST + m], mask, at);
  }
};

template <class S>
__device__ void dense_forward(const float* x, const float* w, const float* bias, const float* mask, float* y,
                              int batch) {
  const DenseForward<S> g{x, w, bias, mask, y, S::SLICE, batch, S::IN};
  gemm_tile(g, blockIdx.y * TILE, blockIdx.x * TILE);
}

// ∂w[f, i] = Σ_n ∂z[n, f] · x[n, i]; grid (⌈IN/64⌉, ⌈SLICE/64⌉).
template <class S>
struct DenseWeightGrad {
  const float* x; const float* dz; float* dw;
  int M, N, K;
  __device__ float a(int m, int n) const { return dz[(long long)n * S::OUT_C + S::FIRST + m]; }
  __device__ float b(int n, int i) const { return x[(long long)n * S::IN + i]; }
  __device__ void store(int m, int i, float sum) const { dw[(long long)(S::FIRST + m) * S::IN + i] = sum; }
};

template <class S>
__device__ void dense_backward_weight(const float* x, const float* dz, float* dw, int batch) {
  const DenseWeightGrad<S> g{x, dz, dw, S::SLICE, S::IN, batch};
  gemm_tile(g, blockIdx.y * TILE, blockIdx.x * TILE);
}

// ∂x[n, i] = Σ_f w[f, i] · ∂z[n, f] over the tower's units (its partial sum); grid (⌈batch/64⌉, ⌈IN/64⌉).
template <class S>
struct DenseDataGrad {
  const float* w; const float* dz; float* dx;
  int M, N, K;
  __device__ float a(int i, int f) const { return w[(long long)(S::FIRST + f) * S::IN + i]; }
  __device__ float b(int f, int n) const { return dz[(long long)n * S::OUT_C + S::FIRST + f]; }
  __device__ void store(int i, int n, float sum) const { dx[(long long)n * S::IN + i] = sum; }
};

template <class S>
__device__ void dense_backward_data(const float* w, const float* dz, float* dx, int batch) {
  const DenseDataGrad<S> g{w, dz, dx, S::IN, batch, S::SLICE};
  gemm_tile(g, blockIdx.y * TILE, blockIdx.x * TILE);
}

// ---- Element-wise stages over the tower's channels [FIRST, FIRST + COUNT) of every example. One thread per
// element; i runs over batch × COUNT × PLANE.

template <class S>
__device__ bool element(int batch, long long& at, int& c, int& p) {
  const long long i = (long long)blockIdx.x * EW_THREADS + threadIdx.x;
  if (i >= (long long)batch * S::COUNT * S::PLANE) return false;
  const long long n = i / ((long long)S::COUNT * S::PLANE);
  c = S::FIRST + (int)(i / S::PLANE % S::COUNT);
  p = (int)(i % S::PLANE);
  at = (n * S::CHANNELS + c) * S::PLANE + p;
  return true;
}

// d^−β; the paper's β = 0.75 as square roots, as the CPU engine computes it.
template <class S>
__device__ float lrn_power(float d) {
  if (S::BETA == 0.75f) return 1.0f / sqrtf(d * sqrtf(d));
  return powf(d, -S::BETA);
}

// N(c): the SIZE channels centred on c, clamped to the tower's channels [FIRST, FIRST + COUNT).
template <class S>
__device__ void lrn_window(int c, int& lo, int& hi) {
  lo = c - S::SIZE / 2 < S::FIRST ? S::FIRST : c - S::SIZE / 2;
  hi = c + S::SIZE / 2 >= S::FIRST + S::COUNT ? S::FIRST + S::COUNT - 1 : c + S::SIZE / 2;
}

// d_c = k + α Σ_{j∈N(c)} a_j², b_c = a_c · d_c^−β, the window clamped to the tower's channels.
template <class S>
__device__ void lrn_forward(const float* a, float* b, float* scale, int batch) {
  long long at; int c, p;
  if (!element<S>(batch, at, c, p)) return;
  int lo, hi;
  lrn_window<S>(c, lo, hi);
  float sum = 0.0f;
  for (int j = lo; j <= hi; ++j) {
    const float v = a[at + (long long)(j - c) * S::PLANE];
    sum += v * v;
  }
  const float d = S::K + S::ALPHA * sum;
  scale[at] = d;
  b[at] = a[at] * lrn_power<S>(d);
}

// ∂a_c = g_c · d_c^−β − 2αβ · a_c · Σ_{i∈N(c)} g_i · b_i / d_i (N is symmetric, so the sum runs over N(c)).
template <class S>
__device__ void lrn_backward(const float* a, const float* b, const float* scale, const float* g, float* da,
                             int batch) {
  long long at; int c, p;
  if (!element<S>(batch, at, c, p)) return;
  int lo, hi;
  lrn_window<S>(c, lo, hi);
  float sum = 0.0f;
  for (int j = lo; j <= hi; ++j) {
    const long long o = at + (long long)(j - c) * S::PLANE;
    sum += g[o] * b[o] / scale[o];
  }
  da[at] = g[at] * lrn_power<S>(scale[at]) - 2.0f * S::ALPHA * S::BETA * a[at] * sum;
}

// Max over each window, first maximum in scan order, its in-plane index kept for backward.
template <class S>
__device__ void max_pool_forward(const float* x, float* y, int* argmax, int batch) {
  long long at; int c, p;
  if (!element<S>(batch, at, c, p)) return;
  const float* plane = x + (at - p) / S::PLANE * S::IN_PLANE;
  const int oy = p / S::OUT_W, ox = p % S::OUT_W;
  int best = oy * S::STRIDE * S::IN_W + ox * S::STRIDE;
  for (int ky = 0; ky < S::KERNEL; ++ky)
    for (int kx = 0; kx < S::KERNEL; ++kx) {
      const int q = (oy * S::STRIDE + ky) * S::IN_W + ox * S::STRIDE + kx;
      if (plane[q] > plane[best] || isnan(plane[q])) best = q;  // first maximum, or last NaN: the CPU's choice
    }
  y[at] = plane[best];
  argmax[at] = best;
}

// One thread per input element: the sum of the gradients of the windows that chose it (no atomics).
template <class S>
__device__ void max_pool_backward(const float* dy, const int* argmax, float* dx, int batch) {
  const long long i = (long long)blockIdx.x * EW_THREADS + threadIdx.x;
  if (i >= (long long)batch * S::COUNT * S::IN_PLANE) return;
  const long long n = i / ((long long)S::COUNT * S::IN_PLANE);
  const int c = S::FIRST + (int)(i / S::IN_PLANE % S::COUNT), q = (int)(i % S::IN_PLANE);
  const int iy = q / S::IN_W, ix = q % S::IN_W;
  const long long out_plane = (n * S::CHANNELS + c) * S::PLANE;
  const int oy_lo = iy < S::KERNEL ? 0 : (iy - S::KERNEL) / S::STRIDE + 1;
  const int ox_lo = ix < S::KERNEL ? 0 : (ix - S::KERNEL) / S::STRIDE + 1;
  const int oy_hi = iy / S::STRIDE < S::OUT_H - 1 ? iy / S::STRIDE : S::OUT_H - 1;
  const int ox_hi = ix / S::STRIDE < S::OUT_W - 1 ? ix / S::STRIDE : S::OUT_W - 1;
  float sum = 0.0f;
  for (int oy = oy_lo; oy <= oy_hi; ++oy)
    for (int ox = ox_lo; ox <= ox_hi; ++ox) {
      const long long o = out_plane + oy * S::OUT_W + ox;
      if (argmax[o] == q) sum += dy[o];
    }
  dx[(n * S::CHANNELS + c) * S::IN_PLANE + q] = sum;
}

// Average pooling, count_include_pad: each window's sum over KERNEL², zero padding counted (PyTorch's avg_pool2d).
// S: CHANNELS, FIRST, COUNT, PLANE (output), IN_H, IN_W, OUT_H, OUT_W, KERNEL, STRIDE, PAD. One thread per output.
template <class S>
__device__ void avg_pool_forward(const float* x, float* y, int batch) {
  long long at; int c, p;
  if (!element<S>(batch, at, c, p)) return;
  const float* plane = x + (at - p) / S::PLANE * (S::IN_H * S::IN_W);
  const int y0 = p / S::OUT_W * S::STRIDE - S::PAD, x0 = p % S::OUT_W * S::STRIDE - S::PAD;
  float sum = 0.0f;
  for (int iy = y0 < 0 ? 0 : y0; iy < y0 + S::KERNEL && iy < S::IN_H; ++iy)
    for (int ix = x0 < 0 ? 0 : x0; ix < x0 + S::KERNEL && ix < S::IN_W; ++ix) sum += plane[iy * S::IN_W + ix];
  y[at] = sum * (1.0f / (S::KERNEL * S::KERNEL));
}

// One thread per input element: the sum of the gradients of the windows that hold it, over KERNEL² (no atomics).
template <class S>
__device__ void avg_pool_backward(const float* dy, float* dx, int batch) {
  constexpr int IN_PLANE = S::IN_H * S::IN_W;
  const long long i = (long long)blockIdx.x * EW_THREADS + threadIdx.x;
  if (i >= (long long)batch * S::COUNT * IN_PLANE) return;
  const long long n = i / ((long long)S::COUNT * IN_PLANE);
  const int c = S::FIRST + (int)(i / IN_PLANE % S::COUNT), q = (int)(i % IN_PLANE);
  const int iy = q / S::IN_W + S::PAD, ix = q % S::IN_W + S::PAD;  // in padded coordinates, where windows start at oy·STRIDE
  const int oy_lo = iy < S::KERNEL ? 0 : (iy - S::KERNEL) / S::STRIDE + 1;
  const int ox_lo = ix < S::KERNEL ? 0 : (ix - S::KERNEL) / S::STRIDE + 1;
  const int oy_hi = iy / S::STRIDE < S::OUT_H - 1 ? iy / S::STRIDE : S::OUT_H - 1;
  const int ox_hi = ix / S::STRIDE < S::OUT_W - 1 ? ix / S::STRIDE : S::OUT_W - 1;
  const float* g = dy + (n * S::CHANNELS + c) * S::PLANE;
  float sum = 0.0f;
  for (int oy = oy_lo; oy <= oy_hi; ++oy)
    for (int ox = ox_lo; ox <= ox_hi; ++ox) sum += g[oy * S::OUT_W + ox];
  dx[(n * S::CHANNELS + c) * IN_PLANE + q] = sum * (1.0f / (S::KERNEL * S::KERNEL));
}

template <class S>
__device__ void relu_forward(const float* x, float* y, int batch) {
  long long at; int c, p;
  if (element<S>(batch, at, c, p)) y[at] = x[at] > 0.0f ? x[at] : 0.0f;
}

template <class S>
__device__ void relu_backward(const float* y, const float* dy, float* dx, int batch) {
  long long at; int c, p;
  if (element<S>(batch, at, c, p)) dx[at] = y[at] > 0.0f ? dy[at] : 0.0f;
}

template <class S>
__device__ void dropout_forward(const float* x, const float* mask, float* y, int batch) {
  long long at; int c, p;
  if (element<S>(batch, at, c, p)) y[at] = mask ? x[at] * mask[at] : x[at];
}

template <class S>
__device__ void dropout_backward(const float* mask, const float* dy, float* dx, int batch) {
  long long at; int c, p;
  if (element<S>(batch, at, c, p)) dx[at] = mask ? dy[at] * mask[at] : dy[at];
}

// One thread per example over the gathered logits: loss_n = log Σ exp(z) − z_label and ∂z = (softmax − onehot)/N,
// in double like the CPU engine.
template <int CLASSES>
__device__ void softmax_cross_entropy(const float* logits, const int* labels, float* grad, float* loss, int batch) {
  const int n = blockIdx.x * EW_THREADS + threadIdx.x;
  if (n >= batch) return;
  const float* z = logits + (long long)n * CLASSES;
  float max = z[0];
  for (int c = 1; c < CLASSES; ++c) max = z[c] > max ? z[c] : max;
  double sum = 0.0;
  for (int c = 0; c < CLASSES; ++c) sum += exp((double)(z[c] - max));
  const double log_sum = log(sum) + max;
  loss[n] = (float)(log_sum - z[labels[n]]);
  for (int c = 0; c < CLASSES; ++c) {
    const double p = exp(z[c] - log_sum);
    grad[(long long)n * CLASSES + c] = (float)((p - (c == labels[n] ? 1.0 : 0.0)) / batch);
  }
}

}  // namespace netforge

// ---- Kernels every network shares.

// The paper's update on one parameter slice: v ← μ·v − λε·w − ε·∂w;  w ← w + v.
extern "C" __global__ void __launch_bounds__(netforge::EW_THREADS)
sgd_update(float* w, float* v, const float* grad, int count, float momentum, float decay, float rate) {
  const int i = blockIdx.x * netforge::EW_THREADS + threadIdx.x;
  if (i >= count) return;
  const float vi = momentum * v[i] - decay * w[i] - rate * grad[i];
  v[i] = vi;
  w[i] += vi;
}

// Reduce half of an exchange: dst[n·pitch + i] += src[n·width + i] for i < width.
extern "C" __global__ void __launch_bounds__(netforge::EW_THREADS)
add_rows(float* dst, const float* src, int rows, int width, int pitch) {
  const long long i = (long long)blockIdx.x * netforge::EW_THREADS + threadIdx.x;
  if (i >= (long long)rows * width) return;
  dst[i / width * pitch + i % width] += src[i];
}
