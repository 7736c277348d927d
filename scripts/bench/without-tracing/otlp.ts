// The "build without tracing": start-up never loads the OpenTelemetry SDK.
import type * as Otlp from '../../../server/telemetry/otlp';

export const startTracing: typeof Otlp.startTracing = () => null;
