// The kernels of ProbeNetwork, the CUDA launcher tests' network: it runs on fake devices, which never compile this.
