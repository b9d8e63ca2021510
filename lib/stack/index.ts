// The stack API: one provider interface, so a Docker compose provider can sit beside the local JVM one.
import * as local from './local.js';

export type { UpOptions, UpResult, DownResult, StatusResult } from './local.js';
export { describeShape, describeStack } from './local.js';

export interface StackProvider {
  name: 'local';
  up(options: local.UpOptions): Promise<local.UpResult>;
  down(options: Parameters<typeof local.down>[0]): Promise<local.DownResult>;
  status(options: Parameters<typeof local.status>[0]): local.StatusResult;
}

export const localProvider: StackProvider = { name: 'local', up: local.up, down: local.down, status: local.status };

/** Today only the local provider exists; the Docker provider arrives with the compose stack. */
export function chooseProvider(): StackProvider {
  return localProvider;
}
