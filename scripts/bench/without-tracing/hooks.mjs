// Module resolution hook of the build without tracing (see register.mjs).
const swapped = /\/server\/telemetry\/(tracing|otlp)\.ts$/;

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  const match = swapped.exec(new URL(resolved.url).pathname);
  return match ? { ...resolved, url: new URL(`./${match[1]}.ts`, import.meta.url).href } : resolved;
}
