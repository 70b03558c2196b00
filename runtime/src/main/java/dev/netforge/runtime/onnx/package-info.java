/**
 * ONNX export of generated networks, with a hand-written encoder for the few protobuf messages it needs, so the
 * runtime keeps no third-party dependency.
 */
package dev.netforge.runtime.onnx;
