import config from '@faceledger/eslint-config';

export default config;
