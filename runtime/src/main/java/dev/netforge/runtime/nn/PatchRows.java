package dev.netforge.runtime.nn;

/**
 * Where the rows of a convolution's patch matrix lie in what {@link Im2col#prepare} leaves in its buffer, for a GEMM
 * that reads them in place ({@code Sgemm.gemmRowsA}): element q of row r (q counting the examples' output positions
 * in order) is at {@code start + offsets[r] + (q / segment)·segmentStride + (q % segment)·step}, {@code start} from
 * {@link Im2col#patchRowsStart}.
 *
 * @param offsets where each row's first element lies, counted from {@code start}
 * @param segment elements in a run: an example's output plane (stride 1, shifted copies) or an output row (padded
 *     planes)
 * @param segmentStride how far apart two runs start
 * @param step how far apart two elements of a run are: the convolution's stride
 */
record PatchRows(int[] offsets, int segment, int segmentStride, int step) {}
