package dev.netforge.runtime.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * An exported model run by ONNX Runtime, the independent implementation exports are checked against: the tests of
 * the examples and the random networks share it.
 *
 * @param shape the output's shape as ONNX Runtime reports it
 * @param values the output, flattened
 */
public record OnnxRuntimeRun(long[] shape, float[] values) {
  /** Runs {@code model} on {@code input} of shape {@code [batch, C, H, W]}, fed as "input"; returns "output". */
  public static OnnxRuntimeRun of(Path model, float[] input, long... inputShape) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions());
        OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), inputShape);
        OrtSession.Result result = session.run(Map.of("input", tensor))) {
      OnnxTensor output = (OnnxTensor) result.get("output").orElseThrow();
      FloatBuffer buffer = output.getFloatBuffer();
      float[] values = new float[buffer.remaining()];
      buffer.get(values);
      return new OnnxRuntimeRun(output.getInfo().getShape(), values);
    }
  }
}
