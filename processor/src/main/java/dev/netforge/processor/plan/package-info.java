/**
 * Shape inference, checks and planning in plain Java: the {@link dev.netforge.processor.plan.Planner} turns a declaration
 * into fused {@link dev.netforge.processor.plan.Stage}s with their tower slices and exchanges, or into diagnostics; the
 * {@link dev.netforge.processor.plan.Schedule} lowers that plan once into buffers and ordered pass steps. Every emitter
 * prints this one schedule.
 */
package dev.netforge.processor.plan;
