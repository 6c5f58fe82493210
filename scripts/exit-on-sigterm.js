// Preload for profiling the API under `npm run bench:load` (BENCH_API_ARGS="-r ./scripts/exit-on-sigterm.js --cpu-prof"):
// Nest's shutdown hook re-raises SIGTERM, which ends the process before --cpu-prof writes its file.
process.on('SIGTERM', () => process.exit(0));
