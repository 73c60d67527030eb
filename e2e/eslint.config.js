import config from '@faceledger/eslint-config';

// artifacts/ holds the HTML report's bundled scripts and traces of the last run.
export default [{ ignores: ['artifacts/**'] }, ...config];
