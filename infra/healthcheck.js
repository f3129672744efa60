// The image's HEALTHCHECK: the process's own /healthz on its port, answered within 2 s.
const port = process.env.HTTP_PORT || '8080';
fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
  (response) => process.exit(response.ok ? 0 : 1),
  () => process.exit(1),
);
