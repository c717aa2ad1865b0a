// Package otelattr builds the OpenTelemetry attributes of a statement,
// after the database semantic conventions 1.43.0, for runtime/oteltrace's
// spans and runtime/otelmetric's measurements alike, so that the span and
// the measurement of one statement carry the same attributes.
package otelattr
