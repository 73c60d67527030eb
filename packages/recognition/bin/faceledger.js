#!/usr/bin/env node
// The `faceledger` command. A committed file, so npm links it at install time: npm skips a bin whose
// target does not exist yet, and dist/ is built only afterwards (postinstall).
try {
  await import('../dist/cli/main.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/cli/main.js')) throw error;
  process.stderr.write('faceledger: @faceledger/recognition is not built; run `npm run build -w @faceledger/recognition`.\n');
  process.exitCode = 1;
}
