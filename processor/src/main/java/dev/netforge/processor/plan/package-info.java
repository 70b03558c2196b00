/**
 * Shape inference, checks and planning in plain Java: the {@link dev.netforge.processor.plan.Planner} turns a declaration
 * into fused {@link dev.netforge.processor.plan.Stage}s with their tower slices and exchanges, or into diagnostics.
 * Every emitter reads this one plan.
 */
package dev.netforge.processor.plan;
