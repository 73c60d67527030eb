#!/usr/bin/env node
// The server's command line (`audit verify`, `admin create`); `faceledger audit ...` hands over to
// it. A committed file, so npm links it at install time, before postinstall builds dist/.
try {
  await import('../dist/cli/main.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/cli/main.js')) throw error;
  process.stderr.write('faceledger-server: @faceledger/server is not built; run `npm run build -w @faceledger/server`.\n');
  process.exitCode = 1;
}
