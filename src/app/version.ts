import packageJson from '../../package.json';

/** The app's version, sent to the cloud with every request and shown in diagnostics. */
export const APP_VERSION: string = packageJson.version;
